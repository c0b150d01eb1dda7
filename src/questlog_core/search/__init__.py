"""The search context: full-text search over each user's quests, and what people search for.

It keeps its own index of quests (:class:`~questlog_core.search.model.SearchDocument`), fed by
the quest context's events (:mod:`questlog_core.search.projection`), never reading the quest
service's tables. :mod:`.text` turns text and queries into words the same way for every
adapter; :mod:`.ports` declares the index, the query log and their unit of work;
:mod:`.use_cases` answers searches and suggestions and summarises the query log for admins.
"""
