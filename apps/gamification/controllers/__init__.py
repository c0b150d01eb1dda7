"""One controller module per resource of the gamification service.

Every handler reads or changes the *caller's* game only (the owner is the token's user, never
a parameter), except ``POST /award``, which needs ``gamification:award`` (admins and internal
service tokens). Domain errors become problem details in :mod:`apps.http.problems`.
"""

GAMIFICATION_PATH = "/api/v1/gamification"
