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
  Every connection is a :class:`WriterConnection`: once a transaction has begun, its calls run
  on the event loop's thread instead of hopping to aiosqlite's (see the class); writers of one
  process pass one at a time through :mod:`adapters.sql.writers`.
* **PostgreSQL** keeps one schema per service (see :mod:`adapters.sql.tables`) and a bounded
  connection pool, recycled every 30 minutes and not pre-pinged by default (see
  ``make_engine`` and docs/persistence.md).

The engine does not list the services: on SQLite it translates the schemas it is given (the
apps pass their registry's), or by default every schema a table group has declared.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import aiosqlite
import msgspec
from sqlalchemy import URL, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from adapters.sql.tables.base import SQLITE_SCHEMA_MAP

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


def schema_translate_map(
    dialect_name: str, schemas: Iterable[str] | None = None
) -> dict[str | None, str | None] | None:
    """The schema translation a dialect needs: on SQLite each of ``schemas`` to none.

    ``schemas`` defaults to every schema a table group has declared: the shared
    :data:`~adapters.sql.tables.base.SQLITE_SCHEMA_MAP`, which also covers groups declared
    later (SQLAlchemy reads the map at each execution).
    """
    if dialect_name != "sqlite":
        return None
    if schemas is None:
        return SQLITE_SCHEMA_MAP
    return dict.fromkeys(schemas)


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
    schemas: Iterable[str] | None = None,
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

    ``schemas``: the service schemas this engine serves, translated to none on SQLite (see
    :func:`schema_translate_map`; default: every declared table group's).
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
    translate = schema_translate_map(target.get_backend_name(), schemas)
    if translate is not None:
        options["execution_options"] = {"schema_translate_map": translate}
    if target.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(target)
        engine = create_async_engine(target, async_creator=_sqlite_connector(target), **options)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    options["pool_pre_ping"] = pool_pre_ping
    connect_args: dict[str, Any] = {"connect_timeout": max(2, int(connect_timeout_seconds))}
    if statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={int(statement_timeout_ms)}"
    options["connect_args"] = connect_args
    return create_async_engine(target, **options)


class WriterConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs its calls on the event loop's own thread while it
    holds SQLite's write lock.

    aiosqlite hands every call (each statement, fetch, ``COMMIT``) to the connection's thread
    and wakes the loop with the answer: two thread switches per call, and SQLite lets one
    writer in at a time, so a write transaction of six calls held the lock for six round
    trips through the OS scheduler while the loop had nothing else it could write (measured:
    POST create 0.02x hello, the loop idle most of the time). Once ``BEGIN IMMEDIATE`` has
    taken the lock, nothing in the transaction can wait for another connection any more
    (in WAL mode neither statements nor ``COMMIT`` take further locks, and the automatic
    checkpoint after a commit is passive), and an indexed write costs tens of microseconds,
    less than one thread switch: so from ``BEGIN IMMEDIATE`` until the connection goes back
    to the pool its calls run inline. ``BEGIN IMMEDIATE`` itself runs inline when the lock is
    free (:meth:`try_begin_inline`); when a writer of another process holds it, it waits on
    the busy timeout on the connection's thread, never on the loop's. Read-only connections
    stay on the thread.
    """

    #: whether calls run on the caller's thread (set after ``BEGIN IMMEDIATE``)
    inline = False

    def begin_read_inline(self) -> bool:
        """A deferred ``BEGIN`` on the caller's thread, and every later call inline too.

        In WAL mode a reader takes no lock that a writer holds: its statements never wait
        for another connection, and a page of quests (an index walk) reads in well under a
        millisecond, less than the nine thread switches aiosqlite would spend on it."""
        raw = self._connection
        if raw is None or not self._running:
            return False
        raw.execute("BEGIN")
        self.inline = True
        return True

    def try_begin_inline(self, busy_timeout_ms: int) -> bool:
        """``BEGIN IMMEDIATE`` on the caller's thread if the write lock is free right now
        (then every later call runs inline too); ``False`` when another process holds it,
        and the caller begins on the connection's thread, waiting on the busy timeout there.

        Writers of this process never meet each other here (they pass the writer gate of
        :mod:`adapters.sql.writers` first), so the lock is nearly always free and a write
        transaction costs no thread switch at all."""
        raw = self._connection
        if raw is None or not self._running:
            return False
        raw.execute("PRAGMA busy_timeout=0")  # never sleep on the loop's thread
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        self.inline = True
        return True

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if self.inline and self._running and self._connection is not None:
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]


def _sqlite_connector(url: URL) -> Any:
    """The ``async_creator`` of a SQLite engine: :class:`WriterConnection`s to ``url``."""
    from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

    args, options = SQLiteDialect_aiosqlite().create_connect_args(url)
    arguments: list[Any] = list(args)
    kwargs: dict[str, Any] = dict(options)
    # Calls move between the connection's thread and the loop's (never at the same time:
    # each waits for the previous one), so sqlite3 must not pin the connection to a thread.
    kwargs["check_same_thread"] = False

    async def connect() -> WriterConnection:
        connection = WriterConnection(lambda: sqlite3.connect(*arguments, **kwargs), 64)
        connection._thread.daemon = True  # like SQLAlchemy's own aiosqlite connect
        await connection
        return connection

    return connect


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
        driver = connection.connection.driver_connection
        if connection.get_execution_options().get(READ_ONLY):
            if isinstance(driver, WriterConnection) and driver.begin_read_inline():
                return
            connection.exec_driver_sql("BEGIN")
            return
        if isinstance(driver, WriterConnection) and driver.try_begin_inline(busy_timeout_ms):
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        # Holding the write lock: the rest runs on the loop's thread (WriterConnection).
        if isinstance(driver, WriterConnection):
            driver.inline = True

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Back in the pool, the lock released: the next user starts on the thread again.
        driver = getattr(dbapi_connection, "_connection", None)  # the adapted aiosqlite one
        if isinstance(driver, WriterConnection):
            driver.inline = False


__all__ = [
    "READ_ONLY",
    "is_sqlite",
    "make_engine",
    "normalise_url",
    "schema_translate_map",
]
