"""Shared test fixtures: the real servers the adapter tests talk to.

A test that needs PostgreSQL, Redis or RabbitMQ asks for its fixture. When the server is
unreachable the test is skipped with the reason, except under ``CI=true`` where a missing
server fails the run: CI promises those servers are up.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")

POSTGRES_URL = os.environ.get(
    "QUESTLOG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("QUESTLOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("QUESTLOG_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")

_DEFAULT_PORTS = {"postgresql": 5432, "redis": 6379, "amqp": 5672}


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or _DEFAULT_PORTS.get(parsed.scheme.split("+")[0], 0)
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_server(name: str, url: str) -> str:
    """Return ``url`` if the server answers; otherwise skip (or fail under ``CI=true``)."""
    if _reachable(url):
        return url
    reason = f"{name} is not reachable at {url}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: service tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """``postgresql://`` URL of the test PostgreSQL server."""
    return require_server("PostgreSQL", POSTGRES_URL)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """``redis://`` URL of the test Redis server."""
    return require_server("Redis", REDIS_URL)


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """``amqp://`` URL of the test RabbitMQ server."""
    return require_server("RabbitMQ", AMQP_URL)


@pytest.fixture(scope="session")
def postgres_template(postgres_url: str) -> Iterator[str]:
    """A database migrated once per session (per xdist worker), never connected to by tests:
    the template :func:`tests.support.databases.copy_database` copies a fresh database from."""
    from adapters.sql.migrations import upgrade
    from adapters.sql.scratch import create_database, drop_database

    url = create_database(postgres_url, "template")
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After the run: how many prioritization judgments each policy satisfies."""
    from tests.bdd.judgment_report import summarise

    summarise(terminalreporter)
