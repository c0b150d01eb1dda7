"""An outage is a 503 with ``Retry-After``; a broken rule or a bug is not an outage.

The driver exceptions here are the real classes the drivers raise (psycopg, sqlite3, redis,
SQLAlchemy's wrappers and its pool timeout), classified by :func:`adapters.outages.as_outage`
and answered by the one set of exception handlers every service uses.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import redis.exceptions
from litestar import Litestar, get
from litestar.testing import TestClient
from sqlalchemy import exc as sa_exc

from adapters.outages import as_outage
from apps.http.problems import EXCEPTION_HANDLERS
from questlog_core.errors import ServiceUnavailable


def wrapped(cls: type[sa_exc.DBAPIError], orig: Exception) -> sa_exc.DBAPIError:
    return cls("SELECT 1", {}, orig)


OUTAGES: dict[str, BaseException] = {
    "postgres refused": wrapped(
        sa_exc.OperationalError, psycopg.OperationalError("connection refused")
    ),
    "postgres closed": wrapped(sa_exc.InterfaceError, psycopg.InterfaceError("the conn is closed")),
    "statement timeout": wrapped(
        sa_exc.OperationalError, psycopg.errors.QueryCanceled("canceling statement")
    ),
    "postgres shutting down": psycopg.errors.AdminShutdown("terminating connection"),
    "pool exhausted": sa_exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached"),
    "sqlite locked": wrapped(
        sa_exc.OperationalError, sqlite3.OperationalError("database is locked")
    ),
    "sqlite unreadable": wrapped(
        sa_exc.OperationalError, sqlite3.OperationalError("unable to open database file")
    ),
    "redis refused": redis.exceptions.ConnectionError("Error 111 connecting"),
    "redis hung": redis.exceptions.TimeoutError("Timeout reading from socket"),
}

NOT_OUTAGES: dict[str, BaseException] = {
    "unique violation": wrapped(
        sa_exc.IntegrityError, psycopg.errors.UniqueViolation("duplicate key")
    ),
    "sqlite constraint": wrapped(
        sa_exc.IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed")
    ),
    "bad data": wrapped(sa_exc.DataError, psycopg.errors.InvalidTextRepresentation("bad")),
    "our SQL is wrong": wrapped(
        sa_exc.ProgrammingError, psycopg.errors.UndefinedTable("no such relation")
    ),
    "sqlite missing table": wrapped(
        sa_exc.OperationalError, sqlite3.OperationalError("no such table: quests")
    ),
    "redis script error": redis.exceptions.ResponseError("ERR Error running script"),
    "a bug": KeyError("oops"),
}


@pytest.mark.parametrize("error", OUTAGES.values(), ids=OUTAGES.keys())
def test_an_unreachable_or_overloaded_dependency_is_an_outage(error: BaseException) -> None:
    outage = as_outage(error)
    assert isinstance(outage, ServiceUnavailable)
    assert outage.extra["dependency"] in {"database", "cache"}
    assert outage.extra["retry_after_seconds"] > 0


@pytest.mark.parametrize("error", NOT_OUTAGES.values(), ids=NOT_OUTAGES.keys())
def test_a_broken_rule_or_a_bug_is_not_an_outage(error: BaseException) -> None:
    assert as_outage(error) is None


def test_the_database_and_the_cache_are_named() -> None:
    database = as_outage(OUTAGES["postgres refused"])
    cache = as_outage(OUTAGES["redis refused"])
    assert database is not None
    assert database.extra["dependency"] == "database"
    assert cache is not None
    assert cache.extra["dependency"] == "cache"


def app_raising(error: BaseException) -> Litestar:
    @get("/boom", sync_to_thread=False)
    def boom() -> None:
        raise error

    return Litestar([boom], exception_handlers=EXCEPTION_HANDLERS)


@pytest.mark.parametrize("error", OUTAGES.values(), ids=OUTAGES.keys())
def test_the_edge_answers_an_outage_with_503_problem_and_retry_after(
    error: BaseException,
) -> None:
    with TestClient(app_raising(error)) as client:
        response = client.get("/boom")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["type"] == "https://questlog.dev/problems/service-unavailable"
    assert body["status"] == 503
    assert "SELECT" not in body["detail"]  # no internals in the body


def test_every_service_unavailable_carries_retry_after() -> None:
    with TestClient(app_raising(ServiceUnavailable("the leaderboard is down"))) as client:
        response = client.get("/boom")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1


@pytest.mark.parametrize("error", NOT_OUTAGES.values(), ids=NOT_OUTAGES.keys())
def test_the_edge_keeps_500_for_what_is_not_an_outage(error: BaseException) -> None:
    with TestClient(app_raising(error)) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "retry-after" not in response.headers
