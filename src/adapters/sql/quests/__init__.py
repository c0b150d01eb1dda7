"""SQL repositories and unit of work of the quest service (outbox: :mod:`adapters.sql.messaging`).

Same semantics as :mod:`adapters.memory.quests` (the contract tests hold both to them). The
hot paths, getting a quest by id and inserting one, are single Core statements on the unit of
work's connection, translated to and from :class:`Quest` by hand: no ORM session, identity
map or change tracking sits in between (see ``docs/persistence.md``).

* Updates are optimistic: ``UPDATE ... WHERE id AND owner AND version = expected``; zero rows
  means the quest is gone (``QuestNotFound``) or someone saved first (``ConcurrencyConflict``).
* Uniqueness (ids, a series' occurrences, category names) is the database's: inserts are
  ``ON CONFLICT DO NOTHING`` and a refused row becomes ``AlreadyExists`` without aborting the
  transaction.
* ``graph_of(for_update=True)`` takes a transaction-scoped advisory lock on the owner on
  PostgreSQL; SQLite transactions already hold the database's write lock from their start.
* Listing is keyset-paginated with the shared cursor of :mod:`questlog_core.ports.quests`.
"""

from adapters.sql.quests.attachments import SqlAttachmentRepository
from adapters.sql.quests.dependencies import Edge as Edge
from adapters.sql.quests.dependencies import SqlDependencyRepository
from adapters.sql.quests.repository import SqlQuestRepository
from adapters.sql.quests.templates import SqlCategoryRepository, SqlTemplateRepository
from adapters.sql.quests.unit_of_work import SqlQuestInbox, SqlQuestUnitOfWork

__all__ = [
    "SqlAttachmentRepository",
    "SqlCategoryRepository",
    "SqlDependencyRepository",
    "SqlQuestInbox",
    "SqlQuestRepository",
    "SqlQuestUnitOfWork",
    "SqlTemplateRepository",
]
