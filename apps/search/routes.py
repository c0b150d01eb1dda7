"""The search service's route handlers, mounted by its app and by the all-in-one gateway."""

from apps.search.controllers.analytics import SearchAnalyticsController
from apps.search.controllers.search import SearchController

ROUTES = [SearchController, SearchAnalyticsController]
