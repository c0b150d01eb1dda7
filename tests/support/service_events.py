"""What a service committed, and waiting for a consumer to have it, in the HTTP API tests.

On SQL the all-in-one's in-process worker relays each service's outbox to the consumers; the
in-memory database has no relay, so there a test hands the events to the consumer's handler
itself, the way the consumer does. :func:`quest_service_events` and
:func:`auth_service_events` read what the quest and auth services committed (published or
not, in commit order); :func:`delivered` makes sure a consumer has taken them.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Table, select

from adapters.sql.tables import auth as auth_tables
from adapters.sql.tables import inbox_of
from adapters.sql.tables import quest as quest_tables
from questlog_core.events import DomainEvent, decode_event

Client = TestClient[Litestar]


def _committed(
    app: Litestar, client: Client, outbox: Table, in_memory: Callable[[Any], Iterable[DomainEvent]]
) -> list[DomainEvent]:
    container = app.state.container
    engine = container.engine()
    if engine is None:
        return list(in_memory(container))

    async def read() -> list[DomainEvent]:
        async with engine.connect() as connection:
            rows = await connection.execute(select(outbox.c.payload).order_by(outbox.c.position))
            return [decode_event(payload) for (payload,) in rows.all()]

    result: list[DomainEvent] = client.blocking_portal.call(read)
    return result


def quest_service_events(app: Litestar, client: Client) -> list[DomainEvent]:
    """Every event the quest service committed to its outbox, published or not, in order."""
    return _committed(
        app,
        client,
        quest_tables.outbox,
        lambda container: [decode_event(r.payload) for r in container.quest_store().outbox],
    )


def auth_service_events(app: Litestar, client: Client) -> list[DomainEvent]:
    """Every event the auth service committed to its outbox, in order."""
    return _committed(
        app, client, auth_tables.outbox, lambda container: container.identity_store().outbox
    )


def delivered(
    app: Litestar,
    client: Client,
    events: list[DomainEvent],
    *,
    service: str,
    consumer: str,
    handle: Callable[[DomainEvent, Any], Awaitable[object]],
    seconds: float = 15.0,
) -> None:
    """``events`` have reached ``consumer`` (of ``service``) once this returns.

    On SQL it waits until the service's inbox holds every one of them (the in-process worker
    delivers them). In memory it calls ``handle(event, container)`` for each, in order.
    """
    container = app.state.container
    engine = container.engine()
    if engine is None:

        async def feed() -> None:
            for event in events:
                await handle(event, container)

        client.blocking_portal.call(feed)
        return

    wanted = {e.event_id for e in events}

    async def claimed() -> set[Any]:
        table = inbox_of(service)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(table.c.event_id).where(table.c.consumer == consumer)
            )
            return {row.event_id for row in rows}

    deadline = time.monotonic() + seconds
    while not wanted <= client.blocking_portal.call(claimed):
        assert time.monotonic() < deadline, f"the in-process worker did not deliver to {consumer}"
        time.sleep(0.02)
