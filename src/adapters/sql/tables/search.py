"""Tables owned by the search service (schema ``search`` on PostgreSQL).

Its outbox and inbox; ``search_documents``, its copy of each quest (fed by quest events, never
read from the quest tables); ``search_forgotten``, the deleted quests it must not index again;
``search_queries``, the query log behind the admins' analytics.

The full-text part differs per database and lives outside :data:`metadata` (its migration
creates it; the models-versus-migrations check skips it by the names below):

* PostgreSQL: ``search_documents.search_vector``, a ``tsvector`` the adapter writes from the
  words of :mod:`questlog_core.search.text` (title weight A, tags B, notes C), with a GIN index;
  searches call the function ``search.search_page`` (migration 0024), which reads
  ``search_documents`` by column name: a migration changing those columns replaces it too.
* SQLite: ``search_fts``, an FTS5 table of the same words (its rowid is the document's ``id``)
  and of the owner (one token, so a search intersects with the owner's rows inside the
  full-text index), with the shadow tables FTS5 keeps beside it.

No other service's adapter may use them.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint, Uuid

from adapters.sql.tables.base import declare_group, metadata
from adapters.sql.tables.messaging import (
    dead_letters_table,
    erased_accounts_table,
    inbox_table,
    outbox_table,
)
from adapters.sql.types import JsonDocument, SerialKey, UtcDateTime

SCHEMA = "search"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

#: separates tags in ``tag_keys`` (a tag never contains whitespace, so never this)
TAG_SEPARATOR = "\x1f"

documents = Table(
    "search_documents",
    metadata,
    Column("id", SerialKey, primary_key=True, autoincrement=True),
    Column("owner", Uuid, nullable=False),
    Column("quest_id", Uuid, nullable=False),
    Column("title", String(200), nullable=False),
    Column("notes", Text, nullable=False),
    Column("tags", JsonDocument, nullable=False),
    #: the tags between separators (``\x1fa\x1fb\x1f``): "has tag x" is one LIKE on any database
    Column("tag_keys", Text, nullable=False),
    Column("category", String(100), nullable=True),
    Column("status", String(16), nullable=False),
    Column("due", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    #: when the quest last changed the filters a completion also carries (tags, category,
    #: due) / the status / the title and notes (``NULL``: created_at): an older event no
    #: longer changes them
    Column("content_at", UtcDateTime, nullable=True),
    Column("status_at", UtcDateTime, nullable=True),
    Column("text_at", UtcDateTime, nullable=True),
    UniqueConstraint("owner", "quest_id"),
    # a search ranks the owner's most recently indexed matches: newest ids first
    Index(None, "owner", "id"),
    schema=SCHEMA,
)

#: quests that were deleted: never indexed again (by a late event or a rebuild)
forgotten = Table(
    "search_forgotten",
    metadata,
    Column("owner", Uuid, primary_key=True),
    Column("quest_id", Uuid, primary_key=True),
    Column("deleted_at", UtcDateTime, nullable=False),
    schema=SCHEMA,
)

#: one row per search run (its normalised words), for top and zero-result queries
queries = Table(
    "search_queries",
    metadata,
    Column("id", SerialKey, primary_key=True, autoincrement=True),
    Column("owner", Uuid, nullable=False),
    Column("query", Text, nullable=False),
    Column("results", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    # the analytics read a window of recent searches
    Index(None, "at"),
    schema=SCHEMA,
)

#: PostgreSQL only: the column and index of the full-text vector
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_documents_search_vector"
#: SQLite only: the FTS5 table and the shadow tables FTS5 creates with it
FTS_TABLE = "search_fts"
SQLITE_ONLY_TABLES = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config"))}
)
#: names the models-versus-migrations comparison leaves alone
UNMODELLED = frozenset({VECTOR_COLUMN, VECTOR_INDEX, *SQLITE_ONLY_TABLES})

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA, unmodelled=UNMODELLED)

__all__ = [
    "FTS_TABLE",
    "GROUP",
    "SCHEMA",
    "SQLITE_ONLY_TABLES",
    "TAG_SEPARATOR",
    "UNMODELLED",
    "VECTOR_COLUMN",
    "VECTOR_INDEX",
    "dead_letters",
    "documents",
    "forgotten",
    "inbox",
    "outbox",
    "queries",
]
