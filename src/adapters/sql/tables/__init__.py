"""SQLAlchemy Core tables, one module per owning service, all in one :data:`metadata`.

Each service's module (:mod:`.quest`, :mod:`.auth`, :mod:`.gamification`, :mod:`.notification`,
:mod:`.ai`, :mod:`.search`, :mod:`.analytics`) declares its tables with ``schema=<service>``
(a real schema on PostgreSQL, translated away on SQLite by the engine, see
:mod:`adapters.sql.engine`) and ends with its :class:`~adapters.sql.tables.base.TableGroup`.
This package does not list the services: the apps' registry (``apps/services.py``) imports
the modules of the services it serves and passes their groups to :func:`metadata_for` and the
engine; an adapter imports its own service's module.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import MetaData, Table

from adapters.sql.tables.base import (
    TableGroup,
    declared_groups,
    group_of,
    metadata,
    schemas_of,
)


def outbox_of(service: str) -> Table:
    """The outbox table of ``service`` (its table module must have been imported)."""
    return group_of(service).outbox


def inbox_of(service: str) -> Table:
    """The inbox table of ``service`` (its table module must have been imported)."""
    return group_of(service).inbox


def dead_letters_of(service: str) -> Table:
    """The dead-letter table of ``service`` (its table module must have been imported)."""
    return group_of(service).dead_letters


def metadata_for(dialect_name: str, groups: Iterable[TableGroup] | None = None) -> MetaData:
    """The tables of ``groups`` (default: every declared group) as they exist on
    ``dialect_name``: schemaless copies on SQLite.

    Used where the engine's schema translation does not reach (Alembic's autogenerate
    comparison reads table objects, not compiled SQL) and to create tables in tests.
    """
    chosen = declared_groups() if groups is None else tuple(groups)
    wanted = {table for group in chosen for table in group.tables}
    sqlite = dialect_name == "sqlite"
    target = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        if table in wanted:
            if sqlite:
                # None means "the target MetaData's schema", i.e. none (documented; untyped).
                table.to_metadata(target, schema=None)  # type: ignore[arg-type]
            else:
                table.to_metadata(target)
    return target


__all__ = [
    "TableGroup",
    "dead_letters_of",
    "declared_groups",
    "inbox_of",
    "metadata",
    "metadata_for",
    "outbox_of",
    "schemas_of",
]
