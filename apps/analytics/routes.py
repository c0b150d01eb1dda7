"""The analytics service's route handlers, mounted by its app and by the all-in-one gateway."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from apps.analytics.controllers.admin import AnalyticsAdminController
from apps.analytics.controllers.me import MyAnalyticsController
from apps.analytics.experiments.controller import ExperimentsController

ROUTES: list[ControllerRouterHandler] = [
    MyAnalyticsController,
    AnalyticsAdminController,
    ExperimentsController,
]
