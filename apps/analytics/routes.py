"""The analytics service's route handlers, mounted by its app and by the all-in-one gateway."""

from apps.analytics.controllers.admin import AnalyticsAdminController
from apps.analytics.controllers.me import MyAnalyticsController

ROUTES = [MyAnalyticsController, AnalyticsAdminController]
