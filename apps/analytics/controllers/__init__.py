"""One controller module per resource of the analytics service.

A player reads and exports only their *own* analytics (the owner is the token's user, never a
parameter); the daily view of every player needs ``analytics:read-all`` (admins). Domain errors
become problem details in :mod:`apps.http.problems`.
"""

ANALYTICS_PATH = "/api/v1/analytics"
