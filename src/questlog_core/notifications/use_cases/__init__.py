"""The notification service's use cases: commands and queries, one async function each.

* :mod:`.sending`: notify one user now, schedule, dispatch what fell due (broadcasts in
  batches);
* :mod:`.delivery`: send queued emails and pushes, with retries and permanent failures;
* :mod:`.reading`: history, mark read, preferences, devices, unsubscribe;
* :mod:`.exporting`: everything kept of one user, for moving out;
* :mod:`.consuming`: reactions to other contexts' events.
"""

from questlog_core.notifications.use_cases.consuming import CONSUMED, CONSUMER, handle_event
from questlog_core.notifications.use_cases.delivery import (
    LEASE,
    DeliveryReport,
    Outlets,
    deliver_due,
)
from questlog_core.notifications.use_cases.exporting import (
    NotificationData,
    export_notifications,
)
from questlog_core.notifications.use_cases.reading import (
    HistoryItem,
    HistoryPage,
    RegisterDevice,
    devices_of,
    history,
    mark_read,
    preferences_of,
    register_device,
    remove_device,
    set_preferences,
    unsubscribe,
)
from questlog_core.notifications.use_cases.sending import (
    BROADCAST_BATCH,
    Draft,
    ScheduleNotification,
    SendNotification,
    Sent,
    dispatch_due,
    notify,
    schedule_notification,
    send_notification,
)

__all__ = [
    "BROADCAST_BATCH",
    "CONSUMED",
    "CONSUMER",
    "LEASE",
    "DeliveryReport",
    "Draft",
    "HistoryItem",
    "HistoryPage",
    "NotificationData",
    "Outlets",
    "RegisterDevice",
    "ScheduleNotification",
    "SendNotification",
    "Sent",
    "deliver_due",
    "devices_of",
    "dispatch_due",
    "export_notifications",
    "handle_event",
    "history",
    "mark_read",
    "notify",
    "preferences_of",
    "register_device",
    "remove_device",
    "schedule_notification",
    "send_notification",
    "set_preferences",
    "unsubscribe",
]
