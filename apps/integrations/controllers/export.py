"""``/api/v1/integrations/export``: everything the integrations service keeps of the caller,
for moving out."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import Provide

from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from apps.integrations.calendar_dependencies import CalendarBus, provide_calendar_bus
from apps.integrations.controllers import INTEGRATIONS_PATH
from apps.integrations.dependencies import IntegrationsBus, provide_integrations_bus
from apps.integrations.schemas import IntegrationsExportOut
from questlog_core.identity.rbac import Permission
from questlog_core.integrations.calendar.messages import ListCalendarFeeds
from questlog_core.integrations.calendar.ports import CalendarUnitOfWork
from questlog_core.integrations.messages import ExportWebhooks
from questlog_core.integrations.ports import IntegrationsUnitOfWork
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.clock import Clock
from questlog_core.kernel.ids import UserId


async def integrations_export(
    owner: UserId,
    bus: MessageBus[IntegrationsUnitOfWork],
    calendar_bus: MessageBus[CalendarUnitOfWork],
    clock: Clock,
) -> IntegrationsExportOut:
    """The integrations part of a data export (also ``questlog export``)."""
    feeds = await calendar_bus.handle(ListCalendarFeeds(owner=owner))
    webhooks = await bus.handle(ExportWebhooks(owner=owner))
    return IntegrationsExportOut.from_domain(feeds, webhooks, clock.now())


class IntegrationsExportController(Controller):
    path = f"{INTEGRATIONS_PATH}/export"
    tags = ["moving"]
    dependencies = {
        "bus": Provide(provide_integrations_bus, sync_to_thread=False),
        "calendar_bus": Provide(provide_calendar_bus, sync_to_thread=False),
    }

    @get("/", **requires(Permission.INTEGRATIONS_READ))
    async def export(
        self, user: CurrentUser, bus: IntegrationsBus, calendar_bus: CalendarBus, clock: ClockDep
    ) -> Response[IntegrationsExportOut]:
        """Download the caller's calendar feeds (labels and dates, no URLs) and webhook
        endpoints (no secrets) with every delivery and attempt."""
        body = await integrations_export(UserId(user.user_id), bus, calendar_bus, clock)
        disposition = 'attachment; filename="questlog-integrations.json"'
        return Response(body, headers={"Content-Disposition": disposition})
