"""Notification emails through a real SMTP server (aiosmtpd), on every storage adapter.

The server accepts mail for most addresses, answers ``451`` (try later) for one mailbox and
``550`` (no such user) for another. What the users would notice: the accepted one receives a
plain-text and an HTML email with a link to unsubscribe; the busy one gets it once the server
accepts again, after backed-off retries; the refused address gets nothing more, ever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from typing import Any
from uuid import uuid4

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.email.smtp import SmtpEmailSender
from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.notifications import InMemoryNotificationStore
from adapters.memory.push import InMemoryPushSender
from adapters.sql.notifications import SqlNotificationUnitOfWork
from questlog_core.events.identity import UserRegistered
from questlog_core.ids import EventId, UserId
from questlog_core.notifications import use_cases as uc
from questlog_core.notifications.model import DeliveryState, Kind
from questlog_core.notifications.ports import HistoryQuery, NotificationUnitOfWork
from tests.contract.email_fixtures import free_port

MONDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)
ids = RandomIds()


@dataclass
class Mailbox:
    """An aiosmtpd handler: refuses some recipients, keeps what it accepts."""

    refuse: dict[str, str] = field(default_factory=dict)
    received: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[MimeMessage]:
        out = []
        for rcpts, data in self.received:
            if address in rcpts:
                message = BytesParser(policy=policy.default).parsebytes(data)
                assert isinstance(message, MimeMessage)
                out.append(message)
        return out


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def uow(engine: AsyncEngine | None) -> Callable[[], NotificationUnitOfWork]:
    if engine is None:
        return InMemoryNotificationStore().unit_of_work
    return lambda: SqlNotificationUnitOfWork(engine)


async def test_smtp_delivery_retries_a_busy_mailbox_and_drops_a_refused_one(
    uow: Callable[[], NotificationUnitOfWork], smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    clock = FixedClock(MONDAY)
    users: dict[str, UserId] = {}
    for name in ("ok", "busy", "gone"):
        user = users[name] = UserId(uuid4())
        registered = UserRegistered(
            event_id=EventId(uuid4()),
            occurred_at=MONDAY,
            owner=user,
            email=f"{name}@example.com",
            display_name=name,
            timezone="UTC",
            day_start_hour=0,
        )
        await uc.handle_event(registered, uow(), clock, ids)
        draft = uc.Draft(kind=Kind.LEVEL_UP, title="Level 3 reached", body="You <3 quests & XP")
        await uc.send_notification(uc.SendNotification(user=user, draft=draft), uow(), clock, ids)
    mailbox.refuse = {
        "busy@example.com": "451 4.2.1 mailbox busy, try later",
        "gone@example.com": "550 5.1.1 no such user",
    }
    outlets = uc.Outlets(
        email=SmtpEmailSender("127.0.0.1", port, security="none", sender="Q <q@questlog.test>"),
        push=InMemoryPushSender(),
        unsubscribe_url=lambda n: f"https://questlog.test/unsubscribe?token={n.kind}-{n.user}",
    )

    first = await uc.deliver_due(uow, outlets, clock, ids)
    assert (first.sent, first.retrying, first.failed) == (1, 1, 1)
    [ok_mail] = mailbox.to("ok@example.com")
    assert ok_mail["Subject"] == "Level 3 reached"
    text = ok_mail.get_body(("plain",))
    html = ok_mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "You <3 quests & XP" in text.get_content()
    assert "You &lt;3 quests &amp; XP" in html.get_content()
    assert f"unsubscribe?token=level_up-{users['ok']}" in text.get_content()

    async def state_of(name: str) -> tuple[DeliveryState, int, str | None]:
        page = await uc.history(users[name], HistoryQuery(), uow())
        [delivery] = page.items[0].deliveries
        return delivery.state, delivery.attempts, delivery.reason

    assert await state_of("gone") == (DeliveryState.FAILED, 1, "recipient refused")
    assert (await state_of("busy"))[:2] == (DeliveryState.QUEUED, 1)

    clock.advance(timedelta(seconds=30))
    assert (await uc.deliver_due(uow, outlets, clock, ids)).retrying == 1
    assert (await state_of("busy"))[:2] == (DeliveryState.QUEUED, 2)
    clock.advance(timedelta(seconds=30))  # the second retry waits 60 s
    assert (await uc.deliver_due(uow, outlets, clock, ids)).retrying == 0
    mailbox.refuse.pop("busy@example.com")
    clock.advance(timedelta(seconds=30))
    assert (await uc.deliver_due(uow, outlets, clock, ids)).sent == 1
    assert len(mailbox.to("busy@example.com")) == 1
    assert (await state_of("busy"))[:2] == (DeliveryState.SENT, 3)

    # The refused address is deactivated: a new notification queues no email for it.
    draft = uc.Draft(kind=Kind.LEVEL_UP, title="Level 4 reached")
    await uc.send_notification(
        uc.SendNotification(user=users["gone"], draft=draft), uow(), clock, ids
    )
    page = await uc.history(users["gone"], HistoryQuery(), uow())
    assert page.items[0].deliveries == []
    assert mailbox.to("gone@example.com") == []
