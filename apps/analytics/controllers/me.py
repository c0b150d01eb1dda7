"""``/api/v1/analytics/me``: the caller's own analytics (summary and export)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Literal

from litestar import Controller, get
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import QueryParameter
from litestar.response import Stream

from apps.analytics.controllers import ANALYTICS_PATH
from apps.analytics.dependencies import DEPENDENCIES, AnalyticsBus
from apps.analytics.schemas import SummaryOut, csv_rows, json_records
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.analytics.messages import (
    SUMMARY_MAX_DAYS,
    ExportMyRecords,
    GetMySummary,
    PlayerSummary,
    RecordedEvent,
)
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.identity.rbac import Permission
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.ids import UserId

#: the media type of each export format (text types get their charset from Litestar)
EXPORT_MEDIA_TYPES: dict[str, str] = {"csv": "text/csv", "json": "application/json"}


@dataclass
class ExportOperation(Operation):
    """The export's OpenAPI operation: its 200 answer is CSV or JSON, by ``format``."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse):
            answer.content = {
                "text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                "application/json": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        required=["records"],
                        properties={
                            "records": Schema(
                                type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)
                            )
                        },
                    )
                ),
            }


async def _pages(
    bus: MessageBus[AnalyticsUnitOfWork], owner: UserId
) -> AsyncIterator[list[RecordedEvent]]:
    """The owner's records page by page (each page its own short read)."""
    after = 0
    while True:
        page: list[RecordedEvent] = await bus.handle(ExportMyRecords(owner=owner, after=after))
        if not page:
            return
        yield page
        after = page[-1].position


async def _csv(bus: MessageBus[AnalyticsUnitOfWork], owner: UserId) -> AsyncIterator[str]:
    yield csv_rows([])
    async for page in _pages(bus, owner):
        yield csv_rows(page, header=False)


async def _json(bus: MessageBus[AnalyticsUnitOfWork], owner: UserId) -> AsyncIterator[bytes]:
    yield b'{"records":['
    first = True
    async for page in _pages(bus, owner):
        yield (b"" if first else b",") + json_records(page)
        first = False
    yield b"]}"


class MyAnalyticsController(Controller):
    path = f"{ANALYTICS_PATH}/me"
    tags = ["analytics"]
    dependencies = DEPENDENCIES

    @get("/summary", **requires(Permission.ANALYTICS_READ))
    async def summary(
        self,
        user: CurrentUser,
        bus: AnalyticsBus,
        clock: ClockDep,
        days: Annotated[
            int,
            QueryParameter(
                ge=1,
                le=SUMMARY_MAX_DAYS,
                description=f"the window: the caller's last 1 to {SUMMARY_MAX_DAYS} days in "
                "their own time zone, today included",
            ),
        ] = 30,
    ) -> SummaryOut:
        """The caller's own figures over the window: quests completed per day, per ISO week
        and by category, AI features used, notifications opened, and every kind of recorded
        event counted. Only the caller's records are ever read."""
        query = GetMySummary(owner=UserId(user.user_id), now=clock.now(), days=days)
        summary: PlayerSummary = await bus.handle(query)
        return SummaryOut.from_domain(summary)

    @get(
        "/export",
        **requires(Permission.ANALYTICS_READ),
        operation_class=ExportOperation,
        response_description="The caller's records: CSV with a header row (columns position, "
        "event_id, kind, at, properties as a JSON object) or JSON "
        '``{"records": [...]}``, oldest first.',
    )
    async def export(
        self,
        user: CurrentUser,
        bus: AnalyticsBus,
        format: Annotated[
            Literal["csv", "json"],
            QueryParameter(description="csv or json"),
        ] = "json",
    ) -> Stream:
        """Every analytics record of the caller, streamed page by page as it is read (a large
        history never sits in memory), as an attachment. Only the caller's records."""
        owner = UserId(user.user_id)
        body = _csv(bus, owner) if format == "csv" else _json(bus, owner)
        return Stream(
            body,
            media_type=EXPORT_MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="questlog-analytics.{format}"'},
        )
