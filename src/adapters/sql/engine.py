"""Engines for the two supported databases, SQLite (embedded default) and PostgreSQL.

One code path serves both: :func:`make_engine` takes the URL a user would write
(``sqlite:///var/questlog.db``, ``postgresql://user@host/db``), picks the async driver
(aiosqlite, psycopg 3), and applies what each database needs to behave like the other:

* **SQLite** has no schemas, so every service schema is translated to "no schema"
  (``schema_translate_map``); table names are unique across services for that reason.
  Each connection turns on WAL (readers never block the writer), foreign keys (off by
  default in SQLite!) and a busy timeout, and SQLAlchemy, not the ``sqlite3`` module,
  emits ``BEGIN IMMEDIATE``: the legacy driver starts transactions late (never for a
  SELECT), which breaks read-then-write units of work; taking the write lock up front makes
  concurrent writers queue on the busy timeout instead of failing with "database is locked".
* **PostgreSQL** keeps one schema per service (``quest``, ``auth``, ``gamification``,
  ``notification``, ``ai``) and a bounded, pre-pinged connection pool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from sqlalchemy import URL, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

#: The PostgreSQL schema of each service; on SQLite they all map to the one database.
SERVICE_SCHEMAS: Final = ("quest", "auth", "gamification", "notification", "ai")

#: Default SQLite busy timeout: how long a writer waits for the lock before failing.
SQLITE_BUSY_TIMEOUT_MS: Final = 5_000

_DRIVERS: Final = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
    "postgresql+psycopg_async": "postgresql+psycopg",
}


def normalise_url(url: str | URL) -> URL:
    """The async-driver form of a database URL.

    ``sqlite:///path`` becomes ``sqlite+aiosqlite:///path`` and ``postgresql://...``
    becomes ``postgresql+psycopg://...``; other databases are refused.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use sqlite:///path/to/file.db or postgresql://user@host/db"
        )
    return parsed.set(drivername=driver)


def is_sqlite(url: str | URL) -> bool:
    """Whether ``url`` names a SQLite database."""
    return normalise_url(url).get_backend_name() == "sqlite"


def schema_translate_map(dialect_name: str) -> dict[str | None, str | None] | None:
    """The schema translation a dialect needs: every service schema to none on SQLite."""
    if dialect_name == "sqlite":
        return dict.fromkeys(SERVICE_SCHEMAS)
    return None


def make_engine(
    url: str | URL,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    pool_recycle: int = 1800,
    echo: bool = False,
    pool_pre_ping: bool = True,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
) -> AsyncEngine:
    """An :class:`AsyncEngine` for ``url`` configured for Questlog's tables.

    The pool settings apply to both databases (a SQLite file also uses a queue pool; each
    aiosqlite connection owns a thread). ``pool_pre_ping`` (PostgreSQL) tests each connection
    as it leaves the pool, so a server restart costs no failed request; it costs one round
    trip per unit of work, which a latency-bound deployment may prefer to turn off (a dead
    connection then fails one request and is replaced). Call ``await engine.dispose()``.
    """
    target = normalise_url(url)
    options: dict[str, Any] = {
        "echo": echo,
        "pool_size": pool_size,
        "max_overflow": max_overflow,
        "pool_timeout": pool_timeout,
        "pool_recycle": pool_recycle,
    }
    translate = schema_translate_map(target.get_backend_name())
    if translate is not None:
        options["execution_options"] = {"schema_translate_map": translate}
    if target.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(target)
        engine = create_async_engine(target, **options)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    options["pool_pre_ping"] = pool_pre_ping
    return create_async_engine(target, **options)


def _ensure_sqlite_directory(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Hand transaction control to SQLAlchemy (see the module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            # WAL + NORMAL is durable against application crashes; only an OS crash can
            # lose the last transactions, the usual embedded trade-off.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


__all__ = [
    "SERVICE_SCHEMAS",
    "is_sqlite",
    "make_engine",
    "normalise_url",
    "schema_translate_map",
]
