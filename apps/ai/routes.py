"""The AI service's route handlers, mounted by its app and by the all-in-one gateway."""

from apps.ai.controllers.breakdown import BreakdownController
from apps.ai.controllers.classify import ClassifyController
from apps.ai.controllers.insights import InsightsController
from apps.ai.controllers.prioritize import PrioritizeController
from apps.ai.controllers.quick_add import QuickAddController
from apps.ai.controllers.suggest import SuggestController

ROUTES = [
    PrioritizeController,
    BreakdownController,
    ClassifyController,
    QuickAddController,
    SuggestController,
    InsightsController,
]
