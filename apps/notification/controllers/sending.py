"""``POST /send`` and ``POST /schedule``: operators and internal services notify users."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.dependencies import DEPENDENCIES, NotificationBus
from apps.notification.schemas import ScheduleIn, SendIn, SentOut, audience
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.notifications.messages import (
    Draft,
    Kind,
    ScheduleNotification,
    SendNotification,
    Sent,
)


def _draft(data: SendIn) -> Draft:
    return Draft(kind=Kind(data.kind), title=data.title, body=data.body, data=dict(data.data))


class SendController(Controller):
    path = NOTIFICATIONS_PATH
    tags = ["notifications"]
    dependencies = DEPENDENCIES

    @post(
        "/send",
        status_code=HTTP_201_CREATED,
        responses={
            HTTP_200_OK: ResponseSpec(SentOut, description="The key was used before: nothing new."),
            HTTP_202_ACCEPTED: ResponseSpec(SentOut, description="A broadcast, scheduled for now."),
        },
        **requires(Permission.NOTIFICATIONS_SEND),
    )
    async def send(
        self,
        bus: NotificationBus,
        data: JSONBody[SendIn],
    ) -> Response[SentOut]:
        """Notify one user now (201 with the notification; 200 when ``key`` was used before),
        or everyone (``broadcast``: 202, scheduled for now and sent in batches). Needs
        ``notifications:send``: a player gets 403."""
        user = audience(data)
        cmd = SendNotification(
            draft=_draft(data), user=UserId(user) if user else None, key=data.key
        )
        sent: Sent = await bus.handle(cmd)
        status = HTTP_202_ACCEPTED if user is None else HTTP_201_CREATED
        return Response(
            SentOut.from_domain(sent), status_code=status if sent.created else HTTP_200_OK
        )

    @post(
        "/schedule",
        status_code=HTTP_201_CREATED,
        responses={
            HTTP_200_OK: ResponseSpec(SentOut, description="The key was used before: nothing new.")
        },
        **requires(Permission.NOTIFICATIONS_SEND),
    )
    async def schedule(
        self,
        bus: NotificationBus,
        data: JSONBody[ScheduleIn],
    ) -> Response[SentOut]:
        """Send at ``due_at`` to one user or everyone; the schedule is kept in the database and
        sent by the periodic dispatcher. 201; 200 when ``key`` was used before."""
        user = audience(data)
        cmd = ScheduleNotification(
            draft=_draft(data),
            due_at=data.due_at,
            user=UserId(user) if user else None,
            key=data.key,
        )
        sent: Sent = await bus.handle(cmd)
        return Response(
            SentOut.from_domain(sent), status_code=HTTP_201_CREATED if sent.created else HTTP_200_OK
        )
