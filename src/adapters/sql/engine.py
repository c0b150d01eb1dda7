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
  (A deferred transaction that reads and then writes is refused with ``SQLITE_BUSY`` at its
  first write if another writer committed since its read, and the busy timeout does not
  help: so "start deferred and upgrade" is not an option for units of work that write.)
  A connection marked :data:`READ_ONLY` begins a plain deferred ``BEGIN`` instead: in WAL
  mode it reads one consistent snapshot and never takes the write lock, so reads do not
  queue behind writers or each other. Only units of work that never write use it.
* **PostgreSQL** keeps one schema per service (``quest``, ``auth``, ``gamification``,
  ``notification``, ``ai``) and a bounded connection pool, recycled every 30 minutes and not
  pre-pinged by default (see ``make_engine`` and docs/persistence.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import msgspec
from sqlalchemy import URL, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

#: The PostgreSQL schema of each service; on SQLite they all map to the one database.
SERVICE_SCHEMAS: Final = ("quest", "auth", "gamification", "notification", "ai", "search")

#: The connection execution option that makes a SQLite transaction begin deferred (reads only).
READ_ONLY: Final = "questlog_read_only"

#: Default SQLite busy timeout: how long a writer waits for the lock before failing.
SQLITE_BUSY_TIMEOUT_MS: Final = 5_000

#: Default time to open a PostgreSQL connection (libpq's ``connect_timeout``; psycopg's own
#: default is 130 s, which would hold a request that long when the server is unreachable).
POSTGRES_CONNECT_TIMEOUT_SECONDS: Final = 5

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
    pool_pre_ping: bool = False,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    connect_timeout_seconds: int = POSTGRES_CONNECT_TIMEOUT_SECONDS,
    statement_timeout_ms: int | None = None,
) -> AsyncEngine:
    """An :class:`AsyncEngine` for ``url`` configured for Questlog's tables.

    The pool settings apply to both databases (a SQLite file also uses a queue pool; each
    aiosqlite connection owns a thread). ``pool_pre_ping`` (PostgreSQL) would test each
    connection as it leaves the pool, at one extra round trip per unit of work (measured:
    repository get-by-id 0.32x of raw psycopg with it, 0.59x without). It is off: connections
    are recycled after ``pool_recycle`` seconds (before idle-timeouts of servers and proxies),
    and when a connection does die (a server restart) SQLAlchemy recognises the disconnect
    error, invalidates the whole pool, and that one unit of work fails while the next ones
    get fresh connections. Pass ``pool_pre_ping=True`` where even that one failure
    matters more than latency. Call ``await engine.dispose()``.

    Bounded waits, so an unreachable database costs a request a 503, not a hang:
    ``pool_timeout`` (seconds to wait for a pooled connection, both databases),
    ``connect_timeout_seconds`` (PostgreSQL, at least 2: libpq's minimum) and
    ``statement_timeout_ms`` (PostgreSQL's ``statement_timeout`` for every connection; ``None``
    or 0 leaves the server's, none by default). SQLite waits on its busy timeout instead.
    """
    target = normalise_url(url)
    options: dict[str, Any] = {
        # JSON columns (tags, checklists, recurrences...) through msgspec: a page of 50
        # quests decodes 150 documents, ~4x faster than with the json module.
        "json_serializer": _json_text,
        "json_deserializer": msgspec.json.decode,
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
    connect_args: dict[str, Any] = {"connect_timeout": max(2, int(connect_timeout_seconds))}
    if statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={int(statement_timeout_ms)}"
    options["connect_args"] = connect_args
    return create_async_engine(target, **options)


def _json_text(value: Any) -> str:
    return msgspec.json.encode(value).decode()


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
        # A read-only unit of work never takes the write lock; every other one takes it first.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


__all__ = [
    "READ_ONLY",
    "SERVICE_SCHEMAS",
    "is_sqlite",
    "make_engine",
    "normalise_url",
    "schema_translate_map",
]
