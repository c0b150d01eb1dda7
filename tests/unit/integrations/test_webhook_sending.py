"""Sending webhooks: the checks before every attempt (a fresh resolution, the checked address
connected to, redirects not followed), retries, and queueing from events exactly once.

The stores are the in-memory ones; name resolution is stubbed at its port and HTTP at httpx's
transport (``httpx.MockTransport``), so no packet leaves the machine. Private addresses are
*not* allowed here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest

from adapters.memory.integrations import InMemoryIntegrationsStore, InMemoryIntegrationsUnitOfWork
from adapters.webhooks import HttpxWebhookSender
from questlog_core.events.quests import QuestCompleted
from questlog_core.integrations.use_cases import (
    RegisterEndpoint,
    WebhookPolicy,
    Webhooks,
    queue_deliveries,
    send_due,
)
from questlog_core.integrations.webhooks import DeliveryStatus, Endpoint
from questlog_core.kernel.errors import ValidationFailed
from questlog_core.kernel.ids import EventId, QuestId, UserId
from tests.support.standard_webhooks import verify

PUBLIC = "93.184.216.34"
START = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = START

    def now(self) -> datetime:
        return self.at


class Ids:
    def new_id(self):  # type: ignore[no-untyped-def]
        return uuid4()


class StubResolver:
    """Answers from a table that tests change between registration and delivery."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return list(self.table.get(host, []))


class Recorder:
    def __init__(self, answer: httpx.Response) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer


class World:
    def __init__(self, answer: httpx.Response) -> None:
        self.store = InMemoryIntegrationsStore()
        self.clock = Clock()
        self.resolver = StubResolver({"hooks.example.com": [PUBLIC]})
        self.http = Recorder(answer)
        self.sender = HttpxWebhookSender(5.0, transport=httpx.MockTransport(self.http))
        self.webhooks = Webhooks(resolver=self.resolver, clock=self.clock, ids=Ids())
        self.owner = UserId(uuid4())

    def uow(self) -> InMemoryIntegrationsUnitOfWork:
        return InMemoryIntegrationsUnitOfWork(self.store)

    async def register(self, url: str = "https://hooks.example.com/in") -> Endpoint:
        return await self.webhooks.register(
            RegisterEndpoint(owner=self.owner, url=url, event_types=["quest.completed.v1"]),
            self.uow(),
        )

    def completed(self) -> QuestCompleted:
        return QuestCompleted(
            event_id=EventId(uuid4()),
            occurred_at=self.clock.now(),
            owner=self.owner,
            quest_id=QuestId(uuid4()),
            occurrence=0,
            difficulty="easy",
            priority=2,
            due=None,
            completed_at=self.clock.now(),
            created_at=self.clock.now(),
            on_time=True,
            owner_timezone="UTC",
        )

    async def send(self):  # type: ignore[no-untyped-def]
        return await send_due(
            self.uow,
            self.resolver,
            self.sender,
            self.clock,
            policy=WebhookPolicy(allow_private=False),
            lease=timedelta(minutes=1),
        )


async def test_a_delivery_is_signed_sent_to_the_checked_address_and_logged() -> None:
    world = World(httpx.Response(204))
    endpoint = await world.register()
    event = world.completed()
    assert await queue_deliveries(event, world.uow(), world.clock, Ids()) == 1
    assert await queue_deliveries(event, world.uow(), world.clock, Ids()) == 0  # redelivered
    report = await world.send()
    assert report.delivered == 1
    [request] = world.http.requests
    # connected to the address that was checked, named as the URL names it
    assert request.url.host == PUBLIC
    assert request.url.path == "/in"
    assert request.headers["host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    verify(endpoint.secret, request.headers, request.content, now=START.timestamp())
    [delivery] = world.store.deliveries.values()
    assert delivery.status is DeliveryStatus.DELIVERED
    assert request.headers["webhook-id"] == delivery.message_id
    assert [a.status_code for a in world.store.attempts] == [204]


async def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_delivery() -> None:
    world = World(httpx.Response(200))
    await world.register()  # resolved to a public address then
    world.resolver.table["hooks.example.com"] = ["10.0.0.7"]  # DNS rebinding
    await queue_deliveries(world.completed(), world.uow(), world.clock, Ids())
    report = await world.send()
    assert report.retrying == 1
    assert world.http.requests == []  # nothing was sent anywhere
    [attempt] = world.store.attempts
    assert attempt.status_code is None
    assert attempt.error is not None
    assert "10.0.0.7" in attempt.error
    assert world.resolver.asked == ["hooks.example.com", "hooks.example.com"]


async def test_a_redirect_is_not_followed() -> None:
    world = World(httpx.Response(302, headers={"location": "http://169.254.169.254/latest/"}))
    await world.register()
    await queue_deliveries(world.completed(), world.uow(), world.clock, Ids())
    report = await world.send()
    assert report.retrying == 1
    assert len(world.http.requests) == 1  # the metadata address was never asked
    [attempt] = world.store.attempts
    assert attempt.status_code == 302
    assert attempt.error == "redirect to http://169.254.169.254/latest/ not followed"
    [delivery] = world.store.deliveries.values()
    assert delivery.status is DeliveryStatus.PENDING


async def test_failures_retry_with_backoff_until_the_last_attempt() -> None:
    world = World(httpx.Response(503))
    await world.register()
    await queue_deliveries(world.completed(), world.uow(), world.clock, Ids())
    for _ in range(7):
        assert (await world.send()).total == 1
        assert (await world.send()).total == 0  # not due again yet
        [delivery] = world.store.deliveries.values()
        if delivery.next_attempt_at is not None:
            world.clock.at = delivery.next_attempt_at
    [delivery] = world.store.deliveries.values()
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.attempts == 7
    assert len(world.http.requests) == 7
    gaps = [
        b.at - a.at for a, b in zip(world.store.attempts, world.store.attempts[1:], strict=False)
    ]
    assert gaps == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
    ]


@pytest.mark.parametrize(
    ("table", "url"),
    [
        ({}, "http://127.0.0.1:8080/"),
        ({"metadata.example.com": ["169.254.169.254"]}, "http://metadata.example.com/"),
        ({"inside.example.com": ["93.184.216.34", "192.168.0.10"]}, "https://inside.example.com/"),
        ({"v6.example.com": ["::ffff:127.0.0.1"]}, "https://v6.example.com/"),
        ({}, "https://nowhere.example.com/"),
    ],
)
async def test_registration_refuses_what_is_not_public(
    table: dict[str, list[str]], url: str
) -> None:
    world = World(httpx.Response(200))
    world.resolver.table = table
    with pytest.raises(ValidationFailed) as refused:
        await world.register(url)
    assert refused.value.field == "url"
    assert world.store.endpoints == {}


async def test_a_disabled_endpoint_is_sent_nothing() -> None:
    world = World(httpx.Response(200))
    endpoint = await world.register()
    await queue_deliveries(world.completed(), world.uow(), world.clock, Ids())
    async with world.uow() as uow:
        stored = await uow.webhooks.endpoint(world.owner, endpoint.id)
        assert stored is not None
        stored.enabled = False
        await uow.webhooks.save_endpoint(stored)
        await uow.commit()
    report = await world.send()
    assert report.failed == 1
    assert world.http.requests == []
    assert await queue_deliveries(world.completed(), world.uow(), world.clock, Ids()) == 0


async def test_a_failed_delivery_sent_again_gets_a_whole_new_schedule_under_its_id() -> None:
    from questlog_core.integrations.use_cases import Redeliver
    from questlog_core.integrations.webhooks import DeliveryWaiting, EndpointDisabled
    from questlog_core.kernel.errors import NotFound

    world = World(httpx.Response(503))
    endpoint = await world.register()
    await queue_deliveries(world.completed(), world.uow(), world.clock, Ids())
    [delivery] = world.store.deliveries.values()
    again = Redeliver(owner=world.owner, endpoint_id=endpoint.id, delivery_id=delivery.id)
    with pytest.raises(DeliveryWaiting):  # not sent yet: nothing to send again
        await world.webhooks.redeliver(again, world.uow())
    for _ in range(7):
        await world.send()
        due = world.store.deliveries[delivery.id].next_attempt_at
        if due is not None:
            world.clock.at = due
    assert world.store.deliveries[delivery.id].status is DeliveryStatus.FAILED
    stranger = Redeliver(owner=UserId(uuid4()), endpoint_id=endpoint.id, delivery_id=delivery.id)
    with pytest.raises(NotFound):
        await world.webhooks.redeliver(stranger, world.uow())

    world.http.answer = httpx.Response(200)
    log = await world.webhooks.redeliver(again, world.uow())

    assert log.delivery.status is DeliveryStatus.PENDING
    assert log.delivery.attempts == 0
    assert len(log.attempts) == 7  # the earlier attempts stay in the log
    assert (await world.send()).delivered == 1
    assert len({r.headers["webhook-id"] for r in world.http.requests}) == 1  # one id throughout
    async with world.uow() as uow:
        stored = await uow.webhooks.endpoint(world.owner, endpoint.id)
        assert stored is not None
        stored.enabled = False
        await uow.webhooks.save_endpoint(stored)
        await uow.commit()
    with pytest.raises(EndpointDisabled):
        await world.webhooks.redeliver(again, world.uow())
