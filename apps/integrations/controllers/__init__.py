"""One controller module per resource of the integrations service.

Every resource belongs to the caller (the owner is the token's user, never a parameter).
Domain errors become problem details in :mod:`apps.http.problems`.
"""

INTEGRATIONS_PATH = "/api/v1/integrations"

#: the kinds of integration served here: (name, what it does, its path); each integration's
#: controller module adds its line
KINDS: list[tuple[str, str, str]] = [
    (
        "calendar",
        "a private iCalendar (RFC 5545) feed of your quests with due dates, for calendar apps",
        f"{INTEGRATIONS_PATH}/calendar/feeds",
    ),
]
