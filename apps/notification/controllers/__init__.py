"""One controller module per resource of the notification service.

Every handler reads or changes the *caller's* notifications, preferences and devices only
(the owner is the token's user, never a parameter), except ``POST /send`` and
``POST /schedule``, which need ``notifications:send`` (admins and internal service tokens),
and the unsubscribe link, which needs no token: its signature is the authorization.
"""

NOTIFICATIONS_PATH = "/api/v1/notifications"
