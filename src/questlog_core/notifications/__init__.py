"""Notifications: kinds, channels, preferences, quiet hours, schedules and deliveries.

* :mod:`.model`: what a notification, a delivery, a device and a schedule are;
* :mod:`.preferences`: per kind × channel choices, quiet hours in the user's zone, opt-out;
* :mod:`.rules`: when reminders, deadline alerts and streak-at-risk alerts fall due, and the
  retry backoff;
* :mod:`.templates`: the plain-text and HTML email of each kind;
* :mod:`.unsubscribe`: signed, single-purpose unsubscribe links;
* :mod:`.events`, :mod:`.ports`, :mod:`.use_cases`.
"""
