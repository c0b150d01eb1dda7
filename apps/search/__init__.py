"""The search service: full-text search over the caller's quests, suggestions as they type,
and the admins' view of what is searched for (``/api/v1/search``)."""
