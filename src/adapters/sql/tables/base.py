"""The one :class:`MetaData` every Questlog table belongs to."""

from __future__ import annotations

from sqlalchemy import MetaData

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

__all__ = ["NAMING_CONVENTION", "metadata"]
