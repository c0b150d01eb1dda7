"""One controller module per resource of the search service.

Searches and suggestions read the *caller's* quests only (the owner is the token's user, never
a parameter); the analytics need ``search-analytics:read`` (admins). Domain errors become
problem details in :mod:`apps.http.problems`.
"""

SEARCH_PATH = "/api/v1/search"
