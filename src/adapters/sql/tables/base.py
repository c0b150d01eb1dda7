"""The one :class:`MetaData` every Questlog table belongs to, and the table groups in it.

A **table group** is every table one service owns, all in that service's schema
(``schema=<service>``): its own tables, its outbox, its inbox and its dead letters. Each
service's module (:mod:`.quest`, :mod:`.auth`, ...) declares its group last
(:func:`declare_group`). Nothing in the adapters lists the services: the apps' service
registry (``apps/services.py``) names each service's module and passes the groups it serves
to the functions that need them (:func:`adapters.sql.tables.metadata_for`,
:func:`adapters.sql.engine.make_engine`, :mod:`adapters.sql.migrations`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import MetaData, Table

#: Constraint and index names are derived, so migrations and models name them identically
#: (and autogenerate can compare them). Table names are unique across services because
#: SQLite puts every service's tables in one namespace.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True, slots=True)
class TableGroup:
    """The tables one service owns: all of them live in the schema named after it."""

    schema: str
    tables: tuple[Table, ...]
    #: names of database objects the service's migrations create but its tables cannot
    #: describe (per-database full-text columns and tables): the models-versus-migrations
    #: comparison leaves them alone
    unmodelled: frozenset[str] = frozenset()

    def table(self, name: str) -> Table:
        """The group's table called ``name`` (e.g. ``quest_outbox``)."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"{self.schema} has no table {name!r}")

    @property
    def outbox(self) -> Table:
        """The service's outbox (events committed with its state, for the relay)."""
        return self.table(f"{self.schema}_outbox")

    @property
    def inbox(self) -> Table:
        """The service's inbox (event ids its consumers have processed)."""
        return self.table(f"{self.schema}_inbox")

    @property
    def erased_accounts(self) -> Table:
        """The accounts the service erased (their ids and when: its tombstones)."""
        return self.table(f"{self.schema}_erased_accounts")

    @property
    def dead_letters(self) -> Table:
        """Messages the service's consumers gave up on after their last retry."""
        return self.table(f"{self.schema}_dead_letters")


_DECLARED: dict[str, TableGroup] = {}

#: On SQLite every declared schema maps to none (one namespace). Engines made without an
#: explicit list share this dict, which grows as groups are declared, so a table module
#: imported after the engine was made still translates.
SQLITE_SCHEMA_MAP: dict[str | None, str | None] = {}


def declare_group(schema: str, unmodelled: Iterable[str] = ()) -> TableGroup:
    """Gather every table declared so far in ``schema`` as one group (call it last in the
    service's table module) and make it known to :func:`declared_groups`. ``unmodelled``
    names what its migrations create outside the tables (see :attr:`TableGroup.unmodelled`)."""
    tables = tuple(t for t in metadata.sorted_tables if t.schema == schema)
    group = TableGroup(schema=schema, tables=tables, unmodelled=frozenset(unmodelled))
    _DECLARED[schema] = group
    SQLITE_SCHEMA_MAP[schema] = None
    return group


def declared_groups() -> tuple[TableGroup, ...]:
    """The groups whose table modules this process has imported (in declaration order)."""
    return tuple(_DECLARED.values())


def group_of(schema: str) -> TableGroup:
    """The declared group of ``schema``; ``ValueError`` when its module was never imported."""
    group = _DECLARED.get(schema)
    if group is None:
        raise ValueError(f"unknown service {schema!r}; one of {sorted(_DECLARED)}")
    return group


def schemas_of(groups: Iterable[TableGroup]) -> tuple[str, ...]:
    """The schema names of ``groups``."""
    return tuple(g.schema for g in groups)


__all__ = [
    "NAMING_CONVENTION",
    "SQLITE_SCHEMA_MAP",
    "TableGroup",
    "declare_group",
    "declared_groups",
    "group_of",
    "metadata",
    "schemas_of",
]
