"""Alembic environment: async, one history for SQLite and PostgreSQL.

Run through :mod:`adapters.sql.migrations` (which hands over a live connection in
``config.attributes["connection"]``) or the ``questlog migrate`` command; no ``alembic.ini``
is needed. On SQLite the service schemas are translated away (as the engine does) and
Alembic's batch mode recreates tables for the ALTERs SQLite lacks; on PostgreSQL only the
service schemas are compared, and the single version table lives in the default schema.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from adapters.sql.engine import SERVICE_SCHEMAS, make_engine, schema_translate_map
from adapters.sql.tables import metadata_for

config = context.config


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Compare only Questlog's schemas (PostgreSQL may hold other applications' too)."""
    if type_ == "schema":
        return name in SERVICE_SCHEMAS
    return True


def configure_options(connection: Connection) -> dict[str, Any]:
    """The ``context.configure`` options, shared with the models-vs-migrations test."""
    dialect = connection.dialect.name
    sqlite = dialect == "sqlite"
    return {
        "target_metadata": metadata_for(dialect),
        "render_as_batch": sqlite,
        "include_schemas": not sqlite,
        "include_name": include_name,
        "compare_type": True,
        "compare_server_default": False,
    }


def do_run_migrations(connection: Connection) -> None:
    translate = schema_translate_map(connection.dialect.name)
    if translate is not None:
        connection = connection.execution_options(schema_translate_map=translate)
    context.configure(connection=connection, **configure_options(connection))
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata_for("postgresql"),
        literal_binds=True,
        include_schemas=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    shared = config.attributes.get("connection")
    if shared is not None:
        do_run_migrations(shared)
    else:
        asyncio.run(run_async_migrations())
