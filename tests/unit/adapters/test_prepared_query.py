"""A statement compiled once (:class:`adapters.sql.prepared.PreparedQuery`) and run on the
driver gives the rows SQLAlchemy's own execution gives, for values of every bound type the
quest listing uses (UUIDs, aware times, text, numbers), and serves new values each time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, bindparam, select

from adapters.sql.engine import READ_ONLY, make_engine
from adapters.sql.prepared import PreparedQuery
from adapters.sql.types import UtcDateTime

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("name", String(20), nullable=False),
    Column("rank", Integer, nullable=False),
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

STATEMENT = (
    select(things.c.id, things.c.name)
    .where(
        things.c.at >= bindparam("since", type_=things.c.at.type),
        things.c.id != bindparam("not_id", type_=things.c.id.type),
        things.c.name != "skipped",  # a value fixed in the statement
    )
    .order_by(things.c.at, things.c.id)
    .limit(bindparam("limit", type_=Integer()))
)


async def test_a_prepared_query_answers_what_sqlalchemy_answers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'prepared.db'}", pool_size=1)
    ids = [uuid.UUID(int=n + 1) for n in range(6)]
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(
                things.insert(),
                [
                    {
                        "id": ids[n],
                        # one time with no microseconds, the others with
                        "at": START + timedelta(hours=n, microseconds=0 if n == 2 else n),
                        "name": "skipped" if n == 4 else f"thing {n}",
                        "rank": n,
                    }
                    for n in range(6)
                ],
            )
        async with engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            await connection.begin()
            prepared = PreparedQuery(STATEMENT, connection)
            for values in (
                {"since": START + timedelta(hours=1), "not_id": ids[3], "limit": 10},
                {"since": START + timedelta(hours=2), "not_id": ids[0], "limit": 2},
                # aware times in another zone are the same instant
                {
                    "since": (START + timedelta(hours=2)).astimezone(timezone(timedelta(hours=5))),
                    "not_id": ids[5],
                    "limit": 10,
                },
            ):
                expected = [tuple(r) for r in (await connection.execute(STATEMENT, values))]
                rows = await prepared.all(connection, values)
                # SQLAlchemy hands out UUIDs; the driver the stored text (hex on SQLite)
                assert [(uuid.UUID(hex=i), n) for i, n in rows] == expected
                assert expected  # the case is not vacuous
            first = await prepared.all(connection, {"since": START, "not_id": ids[1], "limit": 10})
            assert [n for _, n in first] == ["thing 0", "thing 2", "thing 3", "thing 5"]
    finally:
        await engine.dispose()
