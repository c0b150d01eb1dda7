"""The notification service's route handlers, mounted by its app and by the all-in-one."""

from apps.notification.controllers.devices import DeviceController
from apps.notification.controllers.export import NotificationExportController
from apps.notification.controllers.history import HistoryController
from apps.notification.controllers.preferences import PreferencesController
from apps.notification.controllers.sending import SendController
from apps.notification.controllers.unsubscribe import UnsubscribeController

ROUTES = [
    HistoryController,
    PreferencesController,
    DeviceController,
    NotificationExportController,
    SendController,
    UnsubscribeController,
]
