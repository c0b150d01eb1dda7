"""Contract suite of the webhook store on memory, SQLite and PostgreSQL.

Endpoints are registered and deliveries queued and sent through the use cases, as in
production (name resolution stubbed at its port, HTTP at httpx's transport). Every backend
must agree: an event queues one delivery per wanting endpoint however often it arrives, a due
delivery is leased to one sender at a time, the delivery log holds every attempt, deleting an
endpoint takes its log along, and no owner ever reads another's endpoints or deliveries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.integrations import InMemoryIntegrationsStore, InMemoryIntegrationsUnitOfWork
from adapters.sql.integrations import SqlIntegrationsUnitOfWork
from adapters.webhooks import HttpxWebhookSender
from questlog_core.events.quests import QuestCompleted, QuestCreated
from questlog_core.integrations.ports import IntegrationsUnitOfWork
from questlog_core.integrations.use_cases import (
    DELIVERIES_MAX,
    RegisterEndpoint,
    UpdateEndpoint,
    WebhookPolicy,
    Webhooks,
    delete_endpoint,
    delivery_log,
    export_webhooks,
    list_endpoints,
    queue_deliveries,
    send_due,
)
from questlog_core.integrations.webhooks import DeliveryStatus
from questlog_core.kernel.ids import EventId, QuestId, UserId
from tests.support.standard_webhooks import verify

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))
MakeUow = Callable[[], IntegrationsUnitOfWork]


@pytest.fixture
def make_uow(engine: AsyncEngine | None) -> MakeUow:
    if engine is None:
        store = InMemoryIntegrationsStore()
        return lambda: InMemoryIntegrationsUnitOfWork(store)
    return lambda: SqlIntegrationsUnitOfWork(engine)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


class Ids:
    def new_id(self) -> UUID:
        return uuid4()


class Resolver:
    async def resolve(self, host: str, port: int) -> list[str]:
        return ["93.184.216.34"]


def completed(owner: UserId, at: datetime = T0) -> QuestCompleted:
    return QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=2,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
    )


def created(owner: UserId) -> QuestCreated:
    return QuestCreated(
        event_id=EventId(uuid4()),
        occurred_at=T0,
        owner=owner,
        quest_id=QuestId(uuid4()),
        title="New",
        difficulty="easy",
    )


class Env:
    def __init__(self, make_uow: MakeUow, status: int = 200) -> None:
        self.make_uow = make_uow
        self.clock = Clock()
        self.webhooks = Webhooks(resolver=Resolver(), clock=self.clock, ids=Ids())
        self.requests: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(status)

        self.sender = HttpxWebhookSender(5.0, transport=httpx.MockTransport(answer))

    async def register(self, owner: UserId, kinds: list[str] | None = None) -> Any:
        return await self.webhooks.register(
            RegisterEndpoint(
                owner=owner,
                url="https://hooks.example.com/in",
                event_types=kinds or ["quest.completed.v1"],
            ),
            self.make_uow(),
        )

    async def queue(self, event: Any) -> int:
        return await queue_deliveries(event, self.make_uow(), self.clock, Ids())

    async def send(self, limit: int = 50) -> Any:
        return await send_due(
            self.make_uow,
            Resolver(),
            self.sender,
            self.clock,
            policy=WebhookPolicy(),
            lease=timedelta(minutes=1),
            limit=limit,
        )


async def test_an_event_queues_one_delivery_per_wanting_endpoint_once(make_uow: MakeUow) -> None:
    env = Env(make_uow)
    first = await env.register(ALICE)
    second = await env.register(ALICE, ["quest.completed.v1", "quest.created.v1"])
    only_created = await env.register(ALICE, ["quest.created.v1"])
    await env.register(BOB)
    event = completed(ALICE)
    assert await env.queue(event) == 2
    assert await env.queue(event) == 0  # the same event again: nothing more
    assert await env.queue(created(ALICE)) == 2
    for endpoint, count in ((first, 1), (second, 2), (only_created, 1)):
        log = await delivery_log(ALICE, endpoint.id, 50, make_uow())
        assert len(log) == count
    # Bob's endpoint got nothing of Alice's, and Bob cannot read Alice's log
    assert [e.owner for e in await list_endpoints(BOB, make_uow())] == [BOB]
    with pytest.raises(Exception, match="not found"):
        await delivery_log(BOB, first.id, 50, make_uow())


async def test_deliveries_are_sent_signed_and_logged(make_uow: MakeUow) -> None:
    env = Env(make_uow)
    endpoint = await env.register(ALICE)
    await env.queue(completed(ALICE))
    report = await env.send()
    assert report.delivered == 1
    [request] = env.requests
    verify(endpoint.secret, request.headers, request.content, now=T0.timestamp())
    [entry] = await delivery_log(ALICE, endpoint.id, 50, make_uow())
    assert entry.delivery.status is DeliveryStatus.DELIVERED
    assert [a.status_code for a in entry.attempts] == [200]
    assert (await env.send()).total == 0


async def test_a_failing_endpoint_is_retried_later_and_the_log_keeps_every_attempt(
    make_uow: MakeUow,
) -> None:
    env = Env(make_uow, status=500)
    endpoint = await env.register(ALICE)
    await env.queue(completed(ALICE))
    assert (await env.send()).retrying == 1
    assert (await env.send()).total == 0
    env.clock.at = T0 + timedelta(seconds=5)
    assert (await env.send()).retrying == 1
    [entry] = await delivery_log(ALICE, endpoint.id, 50, make_uow())
    assert [a.status_code for a in entry.attempts] == [500, 500]
    assert entry.delivery.next_attempt_at == T0 + timedelta(seconds=5) + timedelta(minutes=5)


async def test_a_due_delivery_is_leased_to_one_sender(make_uow: MakeUow) -> None:
    env = Env(make_uow)
    await env.register(ALICE)
    for _ in range(5):
        await env.queue(completed(ALICE))
    reports = await asyncio.gather(env.send(), env.send(), env.send())
    assert sum(r.delivered for r in reports) == 5
    assert len(env.requests) == 5  # never one twice


async def test_disabling_and_deleting_an_endpoint(make_uow: MakeUow) -> None:
    env = Env(make_uow)
    endpoint = await env.register(ALICE)
    await env.queue(completed(ALICE))
    await env.send()
    await env.webhooks.update(
        UpdateEndpoint(owner=ALICE, endpoint_id=endpoint.id, enabled=False), make_uow()
    )
    assert await env.queue(completed(ALICE)) == 0
    with pytest.raises(Exception, match="not found"):
        await delete_endpoint(BOB, endpoint.id, make_uow())
    await delete_endpoint(ALICE, endpoint.id, make_uow())
    assert await list_endpoints(ALICE, make_uow()) == []
    async with make_uow() as uow:
        assert await uow.webhooks.deliveries_of(ALICE, endpoint.id, limit=10) == []


async def test_an_export_holds_every_endpoint_and_delivery_of_its_owner_only(
    make_uow: MakeUow,
) -> None:
    env = Env(make_uow, status=500)
    first = await env.register(ALICE)
    second = await env.register(ALICE, ["quest.created.v1"])
    await env.register(BOB)
    # more deliveries than the delivery log's largest page: an export has every one
    for _ in range(DELIVERIES_MAX + 2):
        await env.queue(completed(ALICE))
    await env.queue(completed(BOB))
    assert (await env.send(limit=DELIVERIES_MAX + 3)).retrying == DELIVERIES_MAX + 3
    exported = await export_webhooks(ALICE, make_uow())
    by_id = {e.endpoint.id: e for e in exported}
    assert set(by_id) == {first.id, second.id}  # made at the same instant: in id order
    logs = by_id[first.id].deliveries
    assert len(logs) == DELIVERIES_MAX + 2
    assert all(log.delivery.owner == ALICE for log in logs)
    assert all([a.status_code for a in log.attempts] == [500] for log in logs)
    assert by_id[second.id].deliveries == []
    [bobs] = await export_webhooks(BOB, make_uow())
    assert len(bobs.deliveries) == 1
