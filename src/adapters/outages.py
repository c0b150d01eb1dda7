"""Which infrastructure failures are outages: one classification for every driver we use.

An outage is a dependency that cannot answer right now (a database that is stopped, restarting,
out of connections or too slow; a Redis that is unreachable or hung). The request that met it is
not wrong and may succeed later, so the HTTP edge answers **503** with ``Retry-After`` instead of
a 500 (:func:`as_outage` is called there, once, for any exception no adapter translated).

What counts, and why:

* SQLAlchemy's pool ran dry within its ``pool_timeout`` (``sqlalchemy.exc.TimeoutError``).
* A driver ``OperationalError`` or ``InterfaceError`` (wrapped by SQLAlchemy or raw) from
  **PostgreSQL** (psycopg): refused or lost connections, a server shutting down or starting up,
  a cancelled statement (``statement_timeout``), a lock timeout, a deadlock or serialization
  failure, too many connections, a full disk. PostgreSQL reports mistakes in *our* SQL as
  ``ProgrammingError`` and broken rules as ``IntegrityError``/``DataError``: never outages.
* From **SQLite**, only the messages that mean "cannot get at the file now" (locked, busy,
  unable to open, disk I/O, full). SQLite also raises ``OperationalError`` for "no such table"
  and syntax errors, which are bugs or a missing migration, so they stay 500s and get logged.
* A disconnect SQLAlchemy itself recognised (``connection_invalidated``), whatever the driver.
* Redis ``ConnectionError``/``TimeoutError`` and socket-level ``ConnectionError``/``TimeoutError``.

An integrity or constraint violation is never an outage: retrying it would fail the same way.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import exc as sa_exc

from questlog_core.errors import ServiceUnavailable

#: The ``Retry-After`` (seconds) an outage suggests when nothing better is known.
DEFAULT_RETRY_AFTER_SECONDS: Final = 5

_SQLITE_OUTAGE_MESSAGES: Final = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database",
    "disk i/o error",
    "database or disk is full",
)


def _driver_module(error: BaseException) -> str:
    return type(error).__module__.split(".", 1)[0]


def _is_driver_outage(error: BaseException) -> bool:
    """Whether a DB-API exception (raw or wrapped) means the database cannot answer now."""
    if isinstance(error, sa_exc.IntegrityError | sa_exc.DataError | sa_exc.ProgrammingError):
        return False
    driver = _driver_module(error)
    names = {cls.__name__ for cls in type(error).__mro__}
    if driver == "psycopg":
        return bool(names & {"OperationalError", "InterfaceError"})
    if driver in {"sqlite3", "aiosqlite"}:
        message = str(error).lower()
        return "OperationalError" in names and any(m in message for m in _SQLITE_OUTAGE_MESSAGES)
    return False


def _dependency_of(error: BaseException) -> str:
    return "cache" if _driver_module(error) == "redis" else "database"


def as_outage(error: BaseException) -> ServiceUnavailable | None:
    """``error`` as a :class:`ServiceUnavailable` naming the dependency (``database`` or
    ``cache``) if it means a dependency is unavailable, else ``None`` (see the module notes)."""
    if isinstance(error, ServiceUnavailable):
        return error
    if isinstance(error, sa_exc.TimeoutError):
        return _unavailable("database", "no database connection was free in time")
    if isinstance(error, sa_exc.DBAPIError):
        if isinstance(error, sa_exc.IntegrityError | sa_exc.DataError | sa_exc.ProgrammingError):
            return None
        if error.connection_invalidated or (
            error.orig is not None and _is_driver_outage(error.orig)
        ):
            return _unavailable("database", "the database is unavailable")
        return None
    if _is_driver_outage(error):
        return _unavailable("database", "the database is unavailable")
    if _driver_module(error) == "redis":
        names = {cls.__name__ for cls in type(error).__mro__}
        if names & {"ConnectionError", "TimeoutError"}:
            return _unavailable(_dependency_of(error), "the cache is unavailable")
        return None
    if isinstance(error, ConnectionError | TimeoutError):
        return _unavailable("dependency", "a service this request needs is unreachable")
    return None


def _unavailable(dependency: str, detail: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"{detail}; try again shortly",
        dependency=dependency,
        retry_after_seconds=DEFAULT_RETRY_AFTER_SECONDS,
    )


__all__ = ["DEFAULT_RETRY_AFTER_SECONDS", "as_outage"]
