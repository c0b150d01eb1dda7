"""Tables owned by the quest service (schema ``quest`` on PostgreSQL).

A quest is one row: its small collections (tags, checklist, recurrence) are JSON documents,
so getting a quest by id is one primary-key read with no joins. ``title_folded`` and
``notes_folded`` hold the case-folded text the listing's substring filter searches, so the
search means exactly what Python's ``str.casefold`` means on both databases. Edges carry no
foreign keys on purpose: the port removes a quest's edges separately from the quest (and
reports them), which a cascading delete would pre-empt.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from adapters.sql.tables.base import declare_group, metadata
from adapters.sql.tables.messaging import (
    dead_letters_table,
    erased_accounts_table,
    inbox_table,
    outbox_table,
)
from adapters.sql.types import JsonDocument, UtcDateTime

SCHEMA = "quest"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

quests = Table(
    "quests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("title", String(200), nullable=False),
    Column("notes", Text, nullable=False),
    Column("title_folded", Text, nullable=False),
    Column("notes_folded", Text, nullable=False),
    Column("category", String(60), nullable=True),
    Column("tags", JsonDocument, nullable=False),
    Column("difficulty", String(16), nullable=False),
    Column("priority", SmallInteger, nullable=False),
    Column("due", UtcDateTime, nullable=True),
    Column("estimate_minutes", Integer, nullable=True),
    Column("recurrence", JsonDocument, nullable=True),
    Column("parent_id", Uuid, nullable=True),
    Column("template_id", Uuid, nullable=True),
    Column("progress", SmallInteger, nullable=False),
    Column("checklist", JsonDocument, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("occurrence", Integer, nullable=False),
    Column("series_id", Uuid, nullable=True),
    # One quest per occurrence of a series (NULL series ids, one-off quests, never collide).
    UniqueConstraint("owner", "series_id", "occurrence"),
    schema=SCHEMA,
)
# Each listing order is an index walk from the cursor: (owner, sort value, id).
Index(None, quests.c.owner, quests.c.created_at, quests.c.id)
Index(None, quests.c.owner, quests.c.updated_at, quests.c.id)
Index(None, quests.c.owner, quests.c.due, quests.c.id)
Index(None, quests.c.owner, quests.c.priority, quests.c.id)
Index(None, quests.c.owner, quests.c.parent_id)

dependencies = Table(
    "quest_dependencies",
    metadata,
    Column("owner", Uuid, nullable=False),
    Column("prerequisite", Uuid, nullable=False),
    Column("dependent", Uuid, nullable=False),
    PrimaryKeyConstraint("owner", "prerequisite", "dependent"),
    schema=SCHEMA,
)
Index(None, dependencies.c.owner, dependencies.c.dependent)

templates = Table(
    "quest_templates",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", Text, nullable=False),
    Column("title_pattern", String(400), nullable=False),
    Column("notes", Text, nullable=False),
    Column("category", String(60), nullable=True),
    Column("tags", JsonDocument, nullable=False),
    Column("difficulty", String(16), nullable=False),
    Column("priority", SmallInteger, nullable=False),
    Column("estimate_minutes", Integer, nullable=True),
    Column("checklist", JsonDocument, nullable=False),
    Column("steps", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    schema=SCHEMA,
)
Index(None, templates.c.owner, templates.c.name_key)

categories = Table(
    "quest_categories",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("name", String(60), nullable=False),
    # Names are unique per owner case-insensitively: the constraint is on the folded name.
    Column("name_key", Text, nullable=False),
    Column("color", String(32), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("owner", "name_key"),
    schema=SCHEMA,
)

# Metadata of files on quests; the bytes are in the FileStorage under ``storage_key``.
attachments = Table(
    "quest_attachments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("quest_id", Uuid, nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("stored_at", UtcDateTime, nullable=True),
    schema=SCHEMA,
)
Index(None, attachments.c.owner, attachments.c.quest_id, attachments.c.created_at)

# Which quest each imported record became (``questlog import``): per owner, source (taskwarrior,
# todoist, habitica) and the source's own id, so importing the same file again adds nothing.
import_links = Table(
    "quest_import_links",
    metadata,
    Column("owner", Uuid, nullable=False),
    Column("source", String(32), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("quest_id", Uuid, nullable=False),
    PrimaryKeyConstraint("owner", "source", "external_id"),
    schema=SCHEMA,
)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = [
    "GROUP",
    "SCHEMA",
    "attachments",
    "categories",
    "dead_letters",
    "dependencies",
    "import_links",
    "inbox",
    "outbox",
    "quests",
    "templates",
]
