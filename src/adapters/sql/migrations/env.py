"""Alembic environment: async, one history for SQLite and PostgreSQL.

Run through :mod:`adapters.sql.migrations` (which hands over a live connection in
``config.attributes["connection"]``) or the ``questlog migrate`` command; no ``alembic.ini``
is needed. On SQLite the service schemas are translated away (as the engine does) and
Alembic's batch mode recreates tables for the ALTERs SQLite lacks; on PostgreSQL only the
service schemas are compared, and the single version table lives in the default schema.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from adapters.sql.engine import make_engine, schema_translate_map
from adapters.sql.migrations import context_options, migrated_schemas
from adapters.sql.tables import metadata_for

config = context.config
#: the table groups the models are compared against (None: every declared group)
groups = config.attributes.get("table_groups")


def do_run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and not connection.in_transaction():
        # Batch mode rebuilds a table by copy-and-drop; with foreign keys on, dropping the
        # old table would cascade into its children. The pragma only takes effect outside a
        # transaction, so it goes straight to the driver, and the integrity check below
        # proves the rebuilt tables still agree. (The connection is discarded afterwards.)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()
    translate = schema_translate_map(connection.dialect.name, migrated_schemas(groups))
    if translate is not None:
        connection = connection.execution_options(schema_translate_map=translate)
    context.configure(connection=connection, **context_options(connection.dialect.name, groups))
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"migration left rows with dangling foreign keys: {broken}")


async def run_async_migrations() -> None:
    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or "",
        pool_size=1,
        schemas=migrated_schemas(groups),
    )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata_for("postgresql", groups),
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
