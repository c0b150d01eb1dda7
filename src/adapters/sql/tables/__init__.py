"""SQLAlchemy Core tables of every service, in one :data:`metadata`.

One module per owning service (:mod:`.quest`, :mod:`.auth`, :mod:`.gamification`,
:mod:`.notification`, :mod:`.ai`, :mod:`.search`). Each table carries
``schema=<service>``: a real schema on PostgreSQL, translated away on SQLite by the engine
(see :mod:`adapters.sql.engine`).
"""

from __future__ import annotations

from sqlalchemy import MetaData, Table

from adapters.sql.engine import SERVICE_SCHEMAS
from adapters.sql.tables import ai, auth, gamification, notification, quest, search
from adapters.sql.tables.base import metadata
from adapters.sql.tables.messaging import dead_letters_table

#: The outbox table of each service.
OUTBOXES: dict[str, Table] = {
    "quest": quest.outbox,
    "auth": auth.outbox,
    "gamification": gamification.outbox,
    "notification": notification.outbox,
    "ai": ai.outbox,
    "search": search.outbox,
}

#: The inbox table of each service.
INBOXES: dict[str, Table] = {
    "quest": quest.inbox,
    "auth": auth.inbox,
    "gamification": gamification.inbox,
    "notification": notification.inbox,
    "ai": ai.inbox,
    "search": search.inbox,
}

#: Where each service's consumers put the messages they gave up on.
DEAD_LETTERS: dict[str, Table] = {service: dead_letters_table(service) for service in OUTBOXES}


def metadata_for(dialect_name: str) -> MetaData:
    """The tables as they exist on ``dialect_name``: schemaless copies on SQLite.

    Used where the engine's schema translation does not reach (Alembic's autogenerate
    comparison reads table objects, not compiled SQL).
    """
    if dialect_name != "sqlite":
        return metadata
    flat = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        # None means "the target MetaData's schema", i.e. none (documented; untyped).
        table.to_metadata(flat, schema=None)  # type: ignore[arg-type]
    return flat


__all__ = ["DEAD_LETTERS", "INBOXES", "OUTBOXES", "SERVICE_SCHEMAS", "metadata", "metadata_for"]
