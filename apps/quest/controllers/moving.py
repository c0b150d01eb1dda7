"""Moving in and out of the quest service: import another tool's export into the caller's
quests, export the caller's quests (Questlog JSON or Taskwarrior JSON).

Both act on the signed-in caller's own quests only: the owner is the token's user, never a
parameter, so no request can import into or export another account.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter, SkipValidation
from litestar.status_codes import HTTP_200_OK

from adapters.ical import IMPORT_READERS
from apps.http.dependencies import ClockDep, CurrentUser, IdsDep, QuestUowDep, container_of
from apps.http.permissions import requires
from apps.quest.controllers._shared import (
    QUESTS_PATH,
    TimezoneHeader,
    _owner,
    _refuse_declared_oversize,
    owner_timezone,
)
from apps.quest.schemas import ImportReportOut, QuestExportOut
from questlog_core.errors import FileTooLarge, ValidationFailed
from questlog_core.identity.rbac import Permission
from questlog_core.moving.drafts import MAX_IMPORT_BYTES, ImportSource
from questlog_core.moving.export import export_quests, taskwarrior_tasks
from questlog_core.moving.ports import ImportTransaction, ImportTransactions
from questlog_core.moving.reading import read_plan
from questlog_core.moving.use_cases import ApplyImport, apply_import


def provide_import_transactions(request: Request[Any, Any, Any]) -> ImportTransactions:
    """Fresh import transactions from the container (one per batch)."""
    container = container_of(request.app.state)

    def transaction() -> ImportTransaction:
        made: ImportTransaction = container.import_transaction()
        return made

    return transaction


class ImportController(Controller):
    """``POST /api/v1/quests/import?from=taskwarrior|todoist|habitica|ical``."""

    path = QUESTS_PATH + "/import"
    tags = ["moving"]
    dependencies = {"imports": Provide(provide_import_transactions, sync_to_thread=False)}

    @post(
        "/",
        status_code=HTTP_200_OK,
        request_max_body_size=MAX_IMPORT_BYTES,
        **requires(Permission.QUESTS_WRITE),
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        user: CurrentUser,
        imports: NamedDependency[SkipValidation[ImportTransactions]],
        clock: ClockDep,
        ids: IdsDep,
        source: Annotated[
            str,
            QueryParameter(
                name="from",
                description="the tool the file comes from",
                enum=[s.value for s in ImportSource],
                max_length=32,
            ),
        ],
        timezone: TimezoneHeader = None,
    ) -> ImportReportOut:
        """Import an export file (the raw request body) into the caller's quests.

        Taskwarrior: ``task export`` JSON. Todoist: the CSV project template or Sync API
        JSON. Habitica: the user data export JSON. iCalendar (``ical``): an ``.ics`` file of
        VTODOs (RFC 5545; VEVENTs are reported, not imported). Records imported before are
        skipped, so sending the same file twice creates nothing new. Floating dates and
        repetitions are read in the ``X-Timezone`` zone (UTC without one). A file that is not
        such an export is a 422 naming ``file``; one over 20 MiB is a 413. The report lists
        every record or field that did not come over, with the reason.
        """
        _refuse_declared_oversize(request, MAX_IMPORT_BYTES)
        body = await request.body()
        if len(body) > MAX_IMPORT_BYTES:
            raise FileTooLarge(len(body), MAX_IMPORT_BYTES)
        if not body.strip():
            raise ValidationFailed("file", "the request body is empty: send the export file")
        zone = owner_timezone(timezone)
        plan = read_plan(source, body, now=clock.now(), timezone=zone, readers=IMPORT_READERS)
        report = await apply_import(ApplyImport(owner=_owner(user), plan=plan), imports, clock, ids)
        return ImportReportOut.from_domain(report)


class ExportController(Controller):
    """``GET /api/v1/quests/export``: the caller's quest-service data."""

    path = QUESTS_PATH + "/export"
    tags = ["moving"]

    @get("/", **requires(Permission.QUESTS_READ), media_type="application/json")
    async def export(
        self,
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        export_format: Annotated[
            Literal["questlog", "taskwarrior"],
            QueryParameter(
                name="format",
                description="questlog: everything (quests of every status, dependencies, "
                "templates, categories, attachment records); taskwarrior: the quests and "
                "dependencies as `task export` JSON",
            ),
        ] = "questlog",
    ) -> Response[Any]:
        """Download the caller's quests: Questlog's own document, or Taskwarrior JSON that
        ``task import`` and ``POST /api/v1/quests/import?from=taskwarrior`` read back."""
        data = await export_quests(_owner(user), uow)
        disposition = f'attachment; filename="questlog-{export_format}.json"'
        headers = {"Content-Disposition": disposition}
        if export_format == "taskwarrior":
            return Response(taskwarrior_tasks(data.quests, data.edges), headers=headers)
        return Response(QuestExportOut.from_domain(data, clock.now()), headers=headers)
