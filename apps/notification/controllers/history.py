"""``GET /history`` and ``POST /mark-read``: the caller's in-app notifications."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from apps.http.dependencies import ClockDep, CurrentUser, NotificationUowDep
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
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
from questlog_core.notifications import use_cases as uc
from questlog_core.notifications.model import Kind
from questlog_core.notifications.ports import HistoryQuery


class HistoryController(Controller):
    path = NOTIFICATIONS_PATH
    tags = ["notifications"]

    @get("/history", **requires(Permission.NOTIFICATIONS_READ))
    async def history(
        self,
        user: CurrentUser,
        notification_uow: NotificationUowDep,
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
        page = await uc.history(UserId(user.user_id), query, notification_uow)
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
        notification_uow: NotificationUowDep,
        clock: ClockDep,
        data: JSONBody[MarkReadIn],
    ) -> MarkReadOut:
        """Mark one or many (``ids``) or all (``all: true``) of the caller's notifications
        read. An id that is not the caller's is a 404 and nothing is marked."""
        if data.all == bool(data.ids):
            raise ValidationFailed("ids", "give ids, or all: true (not both)")
        marked = await uc.mark_read(
            UserId(user.user_id), None if data.all else data.ids, notification_uow, clock
        )
        return MarkReadOut(marked=marked)
