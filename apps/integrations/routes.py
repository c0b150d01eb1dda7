"""The integrations service's route handlers, mounted by its app and by the all-in-one
gateway."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from apps.integrations.controllers.calendar import CalendarController
from apps.integrations.controllers.export import IntegrationsExportController
from apps.integrations.controllers.overview import IntegrationsController
from apps.integrations.controllers.webhooks import WebhookController

ROUTES: list[ControllerRouterHandler] = [
    IntegrationsController,
    CalendarController,
    WebhookController,
    IntegrationsExportController,
]
