"""``GET /history`` and ``POST /mark-read``: the caller's in-app notifications."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.dependencies import DEPENDENCIES, NotificationBus
from apps.notification.schemas import (
    HistoryOut,
    KindName,
    MarkReadIn,
    MarkReadOut,
    parse_cursor,
)
from questlog_core.errors import ValidationFailed
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.notifications.messages import (
    GetHistory,
    HistoryPage,
    HistoryQuery,
    Kind,
    MarkRead,
)


class HistoryController(Controller):
    path = NOTIFICATIONS_PATH
    tags = ["notifications"]
    dependencies = DEPENDENCIES

    @get("/history", **requires(Permission.NOTIFICATIONS_READ))
    async def history(
        self,
        user: CurrentUser,
        bus: NotificationBus,
        kind: Annotated[KindName | None, QueryParameter(description="only this kind")] = None,
        read: Annotated[
            bool | None, QueryParameter(description="true: only read ones; false: only unread")
        ] = None,
        limit: Annotated[int, QueryParameter(description="page size, 1 to 100", ge=1, le=100)] = 50,
        cursor: Annotated[
            str | None,
            QueryParameter(description="a next_cursor from the previous page", max_length=200),
        ] = None,
    ) -> HistoryOut:
        """The caller's notifications, newest first, each with its email/push deliveries and
        their states (queued, sent, failed with the reason); ``unread`` counts them all."""
        query = HistoryQuery(
            kind=Kind(kind) if kind else None,
            read=read,
            limit=limit,
            after=parse_cursor(cursor) if cursor else None,
        )
        page: HistoryPage = await bus.handle(GetHistory(user=UserId(user.user_id), query=query))
        return HistoryOut.from_domain(page)

    @post(
        "/mark-read",
        status_code=HTTP_200_OK,
        **requires(Permission.NOTIFICATIONS_WRITE),
        names_resources=True,
    )
    async def mark_read(
        self,
        user: CurrentUser,
        bus: NotificationBus,
        data: JSONBody[MarkReadIn],
    ) -> MarkReadOut:
        """Mark one or many (``ids``) or all (``all: true``) of the caller's notifications
        read. An id that is not the caller's is a 404 and nothing is marked."""
        if data.all == bool(data.ids):
            raise ValidationFailed("ids", "give ids, or all: true (not both)")
        cmd = MarkRead(user=UserId(user.user_id), ids=None if data.all else tuple(data.ids))
        marked: int = await bus.handle(cmd)
        return MarkReadOut(marked=marked)
