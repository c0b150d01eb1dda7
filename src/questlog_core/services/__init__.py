"""Use cases, by context: moved into each context's package.

``questlog_core.services.quests`` is now :mod:`questlog_core.quests.use_cases` (with
``services.attachments`` in it), ``services.auth`` is :mod:`questlog_core.identity.use_cases`
and ``services.gamification`` is :mod:`questlog_core.gamification.use_cases`. The old paths
keep working: their modules re-export the same objects.
"""
