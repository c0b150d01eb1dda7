"""``/api/v1/notifications/export``: everything the notification service keeps of the caller,
for moving out."""

from __future__ import annotations

from litestar import Controller, Response, get

from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.dependencies import DEPENDENCIES, NotificationBus
from apps.notification.schemas import NotificationExportOut
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.kernel.bus import MessageBus
from questlog_core.notifications.messages import ExportNotifications, NotificationUnitOfWork
from questlog_core.ports.platform import Clock


async def notification_export(
    owner: UserId, bus: MessageBus[NotificationUnitOfWork], clock: Clock
) -> NotificationExportOut:
    """The notification part of a data export (also ``questlog export``)."""
    data = await bus.handle(ExportNotifications(user=owner))
    return NotificationExportOut.from_domain(data, clock.now())


class NotificationExportController(Controller):
    path = f"{NOTIFICATIONS_PATH}/export"
    tags = ["moving"]
    dependencies = DEPENDENCIES

    @get("/", **requires(Permission.NOTIFICATIONS_READ))
    async def export(
        self, user: CurrentUser, bus: NotificationBus, clock: ClockDep
    ) -> Response[NotificationExportOut]:
        """Download everything the notification service keeps of the caller: preferences,
        every notification with its deliveries, waiting reminders, push devices (without
        their tokens)."""
        body = await notification_export(UserId(user.user_id), bus, clock)
        disposition = 'attachment; filename="questlog-notifications.json"'
        return Response(body, headers={"Content-Disposition": disposition})
