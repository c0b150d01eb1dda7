"""The analytics service's route handlers, mounted by its app and by the all-in-one gateway."""

from litestar.types import ControllerRouterHandler

from apps.analytics.experiments.controller import ExperimentsController

ROUTES: list[ControllerRouterHandler] = [ExperimentsController]
