"""Every wait on the database is bounded, and running out of it is an outage (a 503), not a bug.

The statement timeout runs on the shared test PostgreSQL (a ``pg_sleep`` longer than it is
cancelled by the server); the connect timeout against a socket that accepts and never answers
(a hung server); the pool timeout on a SQLite engine whose one connection is held.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from adapters.outages import as_outage
from adapters.sql.engine import make_engine
from apps.container import engine_for
from apps.settings import Settings, SettingsError

pytestmark = pytest.mark.timeout(60)


@pytest.mark.postgres
async def test_a_statement_longer_than_the_statement_timeout_is_cancelled(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url, statement_timeout_ms=100)
    try:
        async with engine.connect() as connection:
            shown = (await connection.execute(text("SHOW statement_timeout"))).scalar_one()
            assert shown == "100ms"
            with pytest.raises(sa_exc.OperationalError) as cancelled:
                await connection.execute(text("SELECT pg_sleep(5)"))
        outage = as_outage(cancelled.value)
        assert outage is not None
        assert outage.extra["dependency"] == "database"
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_the_services_engine_takes_its_timeouts_from_the_settings(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=postgres_url, database_statement_timeout_ms=1234, database_pool_size=32
    )
    engine = engine_for(settings.database_url, settings)
    assert engine is not None
    try:
        async with engine.connect() as connection:
            shown = (await connection.execute(text("SHOW statement_timeout"))).scalar_one()
        assert shown == "1234ms"
        assert engine.pool.timeout() == settings.database_pool_timeout_seconds  # type: ignore[attr-defined]
        assert engine.pool.size() == 32  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 32  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_connecting_to_a_hung_postgres_gives_up_after_the_connect_timeout() -> None:
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accept the connection, never answer the startup message

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql://nobody@127.0.0.1:{port}/x", connect_timeout_seconds=2)
    try:
        with pytest.raises(sa_exc.OperationalError) as refused:
            async with engine.connect():
                pass
        assert as_outage(refused.value) is not None
    finally:
        await engine.dispose()
        server.close()
        await server.wait_closed()


async def test_an_exhausted_pool_is_an_outage_after_the_pool_timeout(tmp_path: Path) -> None:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=0, pool_timeout=0.1
    )
    try:
        async with engine.connect():
            with pytest.raises(sa_exc.TimeoutError) as exhausted:
                async with engine.connect():
                    pass
        outage = as_outage(exhausted.value)
        assert outage is not None
        assert outage.extra["dependency"] == "database"
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("QUESTLOG_DATABASE_POOL_TIMEOUT_SECONDS", "0"),
        ("QUESTLOG_DATABASE_POOL_SIZE", "0"),
        ("QUESTLOG_DATABASE_CONNECT_TIMEOUT_SECONDS", "1"),
        ("QUESTLOG_DATABASE_STATEMENT_TIMEOUT_MS", "-1"),
        ("QUESTLOG_REVOCATION_GRACE_SECONDS", "-5"),
    ],
)
def test_a_timeout_that_cannot_work_is_refused_at_start(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})
