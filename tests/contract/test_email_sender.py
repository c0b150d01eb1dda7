"""The EmailSender contract: every adapter delivers the same message, and refuses the same input.

Each parameter reads the inbox where that adapter delivers (memory list, outbox ``.eml``
files, a real aiosmtpd server over STARTTLS + AUTH, SendGrid's API faked at the transport).
Adapter-specific behaviour (failure mapping, the console block, SendGrid's error bodies)
follows the contract.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from adapters.email.console import CONSOLE_LABEL, ConsoleEmailSender, OutboxEmailSender
from adapters.email.sendgrid import SendGridEmailSender, SendGridError
from adapters.email.smtp import SmtpEmailSender
from adapters.memory.clock import FixedClock
from adapters.memory.email import InMemoryEmailSender
from questlog_core.errors import DeliveryFailed, ValidationFailed
from questlog_core.ports.platform import EmailMessage
from tests.contract.email_fixtures import (
    SENDER,
    SENDGRID_KEY,
    SMTP_PASSWORD,
    SMTP_USER,
    EmailCase,
    FakeSendGrid,
    SmtpServer,
    TlsFiles,
    email_case,
    free_port,
    parse_eml,
    plain_smtp_server,
    smtp_server,
    tls,
)

__all__ = ["email_case", "plain_smtp_server", "smtp_server", "tls"]  # fixtures for pytest

RESET = EmailMessage(
    to="ada@example.com",
    subject="Reset your Questlog password",
    text="Use this link within 30 minutes:\nhttps://questlog.test/reset?token=abc123\n",
)


# -- the contract ---------------------------------------------------------------------------


async def test_a_plain_text_message_arrives(email_case: EmailCase) -> None:
    await email_case.sender.send(RESET)

    [got] = email_case.inbox()
    assert got.sender == "quests@questlog.test"
    assert got.to == "ada@example.com"
    assert got.subject == "Reset your Questlog password"
    assert got.text.replace("\r\n", "\n") == RESET.text
    assert got.html is None


async def test_an_html_alternative_arrives_with_the_text(email_case: EmailCase) -> None:
    message = EmailMessage(
        to="Ada Lovelace <ada@example.com>",
        subject="Level 5 reached!",
        text="You reached level 5.",
        html="<h1>Level 5</h1><p>You reached <b>level 5</b>.</p>",
    )

    await email_case.sender.send(message)

    [got] = email_case.inbox()
    assert got.to == "ada@example.com"
    assert got.text.strip() == "You reached level 5."
    assert got.html is not None
    assert got.html.strip() == "<h1>Level 5</h1><p>You reached <b>level 5</b>.</p>"


async def test_non_ascii_subject_and_body_survive(email_case: EmailCase) -> None:
    message = EmailMessage(
        to="Zoë Ünal <zoe@example.com>",
        subject="Quête accomplie ✓ — 🎉 +120 XP",
        text="Bravo Zoë ! Série de 7 jours 🔥\n日本語もOK\n",
    )

    await email_case.sender.send(message)

    [got] = email_case.inbox()
    assert got.to == "zoe@example.com"
    assert got.subject == "Quête accomplie ✓ — 🎉 +120 XP"
    assert got.text.replace("\r\n", "\n") == message.text


async def test_awkward_bodies_arrive_intact(email_case: EmailCase) -> None:
    # A lone "." ends an SMTP DATA block unless escaped; lines past 998 octets must be encoded.
    text = "first line\n.\n..two dots\nFrom the start of a line\n" + "x" * 3000 + "\nend\n"

    await email_case.sender.send(EmailMessage(to="ada@example.com", subject="Edge", text=text))

    [got] = email_case.inbox()
    assert got.text.replace("\r\n", "\n") == text


async def test_several_messages_all_arrive_in_order(email_case: EmailCase) -> None:
    for n in range(3):
        await email_case.sender.send(
            EmailMessage(to=f"player{n}@example.com", subject=f"Reminder {n}", text=f"#{n}")
        )

    got = email_case.inbox()
    assert [(d.to, d.subject) for d in got] == [
        (f"player{n}@example.com", f"Reminder {n}") for n in range(3)
    ]


@pytest.mark.parametrize(
    "subject",
    ["Hi\r\nBcc: victim@example.com", "Hi\nX-Injected: 1", "nul\x00byte", "s" * 999],
    ids=["crlf", "lf", "nul", "too-long"],
)
async def test_a_subject_that_could_inject_headers_is_refused(
    email_case: EmailCase, subject: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        await email_case.sender.send(EmailMessage(to="ada@example.com", subject=subject, text="x"))

    assert error.value.field == "subject"
    assert email_case.inbox() == []


@pytest.mark.parametrize(
    "to",
    [
        "",
        "not-an-address",
        "ada@example.com, eve@example.com",
        "ada@example.com\r\nBcc: eve@example.com",
        "@example.com",
        "ada@",
        "a@b@c",
        "zoë@example.com",
    ],
    ids=["empty", "no-at", "two", "crlf", "no-local", "no-domain", "two-ats", "non-ascii-local"],
)
async def test_anything_but_one_recipient_address_is_refused(
    email_case: EmailCase, to: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        await email_case.sender.send(EmailMessage(to=to, subject="Hi", text="x"))

    assert error.value.field == "to"
    assert email_case.inbox() == []


# -- SMTP specifics --------------------------------------------------------------------------


def _smtp(server: SmtpServer, **kwargs: object) -> SmtpEmailSender:
    options: dict[str, object] = {"sender": SENDER, "timeout": 5.0, **kwargs}
    return SmtpEmailSender(server.host, server.port, **options)  # type: ignore[arg-type]


async def test_smtp_wrong_password_fails_for_good(smtp_server: SmtpServer, tls: TlsFiles) -> None:
    sender = _smtp(smtp_server, username=SMTP_USER, password="wrong", tls_context=tls.client)
    before = len(smtp_server.handler.received)

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(RESET)

    assert error.value.retryable is False
    assert error.value.status == 535
    assert len(smtp_server.handler.received) == before


async def test_smtp_never_sends_in_clear_when_told_to_use_starttls(
    plain_smtp_server: SmtpServer,
) -> None:
    before = len(plain_smtp_server.handler.received)

    with pytest.raises(DeliveryFailed) as error:
        await _smtp(plain_smtp_server, security="starttls").send(RESET)

    assert error.value.retryable is False  # a configuration problem, not a blip
    assert len(plain_smtp_server.handler.received) == before


async def test_smtp_refuses_a_certificate_it_does_not_trust(smtp_server: SmtpServer) -> None:
    sender = _smtp(smtp_server, username=SMTP_USER, password=SMTP_PASSWORD)  # system CAs only

    with pytest.raises(DeliveryFailed):
        await sender.send(RESET)


async def test_smtp_server_requiring_tls_rejects_a_plain_session(
    smtp_server: SmtpServer,
) -> None:
    with pytest.raises(DeliveryFailed) as error:
        await _smtp(smtp_server, security="none").send(RESET)

    assert error.value.retryable is False
    assert error.value.status == 530


async def test_smtp_relay_without_tls_when_configured(plain_smtp_server: SmtpServer) -> None:
    before = len(plain_smtp_server.handler.received)

    await _smtp(plain_smtp_server, security="none").send(RESET)

    mail_from, rcpt_tos, data = plain_smtp_server.handler.received[before]
    assert (mail_from, rcpt_tos) == ("quests@questlog.test", ["ada@example.com"])
    assert parse_eml(data)["Subject"] == RESET.subject


async def test_smtp_unreachable_server_is_worth_retrying() -> None:
    sender = SmtpEmailSender("127.0.0.1", free_port(), sender=SENDER, timeout=2.0)

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(RESET)

    assert error.value.retryable is True


def test_smtp_settings_are_checked_up_front() -> None:
    with pytest.raises(ValueError, match="security"):
        SmtpEmailSender("localhost", security="ssl")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="username and password"):
        SmtpEmailSender("localhost", username="only-me")
    with pytest.raises(ValidationFailed):
        SmtpEmailSender("localhost", sender="not an address")


# -- SendGrid specifics ----------------------------------------------------------------------


async def test_sendgrid_gets_the_documented_request() -> None:
    fake = FakeSendGrid()
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake)) as http:
        sender = SendGridEmailSender(SENDGRID_KEY, sender=SENDER, client=http)
        await sender.send(
            EmailMessage(to="Ada <ada@example.com>", subject="Hi", text="plain", html="<p>h</p>")
        )

    [request] = fake.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.sendgrid.com/v3/mail/send"
    assert request.headers["Authorization"] == f"Bearer {SENDGRID_KEY}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "personalizations": [{"to": [{"email": "ada@example.com", "name": "Ada"}]}],
        "from": {"email": "quests@questlog.test", "name": "Questlog"},
        "subject": "Hi",
        "content": [
            {"type": "text/plain", "value": "plain"},
            {"type": "text/html", "value": "<p>h</p>"},
        ],
    }


@pytest.mark.parametrize(
    ("status", "message", "field", "retryable"),
    [
        (400, "The from email does not contain a valid address.", "from.email", False),
        (401, "The provided authorization grant is invalid, expired, or revoked", None, False),
        (403, "The from address does not match a verified Sender Identity.", "from", False),
        (429, "too many requests", None, True),
        (500, "internal server error", None, True),
    ],
)
async def test_sendgrid_errors_become_typed_failures(
    status: int, message: str, field: str | None, retryable: bool
) -> None:
    fake = FakeSendGrid(
        status=status,
        body={"errors": [{"message": message, "field": field, "help": None}]},
        headers={"Retry-After": "30"} if status == 429 else {},
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake)) as http:
        sender = SendGridEmailSender(SENDGRID_KEY, sender=SENDER, client=http)
        with pytest.raises(SendGridError) as error:
            await sender.send(RESET)

    assert isinstance(error.value, DeliveryFailed)
    assert error.value.status == status
    assert error.value.retryable is retryable
    assert error.value.errors == [{"message": message, "field": field, "help": None}]
    assert message in error.value.detail
    assert SENDGRID_KEY not in error.value.detail
    assert error.value.retry_after_seconds == (30.0 if status == 429 else None)


async def test_sendgrid_non_json_error_body_is_still_typed() -> None:
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(502, text="Bad Gateway"))
    ) as http:
        with pytest.raises(SendGridError) as error:
            await SendGridEmailSender(SENDGRID_KEY, sender=SENDER, client=http).send(RESET)

    assert error.value.retryable is True
    assert error.value.errors[0]["message"] == "Bad Gateway"


@respx.mock
async def test_sendgrid_default_client_posts_to_the_api_and_times_out_as_retryable() -> None:
    route = respx.post("https://api.sendgrid.com/v3/mail/send")
    route.side_effect = [httpx.Response(202), httpx.ConnectTimeout("timed out")]
    sender = SendGridEmailSender(SENDGRID_KEY, sender=SENDER, timeout=3.0)
    try:
        await sender.send(RESET)
        with pytest.raises(DeliveryFailed) as error:
            await sender.send(RESET)
    finally:
        await sender.aclose()

    assert route.call_count == 2
    assert error.value.retryable is True
    assert route.calls[0].request.headers["Authorization"] == f"Bearer {SENDGRID_KEY}"


# -- console, outbox, memory -----------------------------------------------------------------


async def test_console_email_says_it_was_not_sent() -> None:
    stream = io.StringIO()

    await ConsoleEmailSender(stream, sender=SENDER).send(RESET)

    printed = stream.getvalue()
    assert CONSOLE_LABEL in printed
    assert "not sent" in printed
    assert "To: ada@example.com" in printed
    assert "https://questlog.test/reset?token=abc123" in printed


async def test_console_email_can_go_to_a_logger(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("questlog.test.email")
    with caplog.at_level(logging.INFO, logger="questlog.test.email"):
        await ConsoleEmailSender(logger=logger).send(RESET)

    assert CONSOLE_LABEL in caplog.text
    assert "Reset your Questlog password" in caplog.text


async def test_console_email_validates_like_the_real_ones() -> None:
    stream = io.StringIO()
    with pytest.raises(ValidationFailed):
        await ConsoleEmailSender(stream).send(EmailMessage(to="x", subject="s", text="t"))
    assert stream.getvalue() == ""


async def test_outbox_files_are_rfc5322_sorted_and_never_partial(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2030, 5, 17, 8, 30, tzinfo=UTC))
    outbox = OutboxEmailSender(tmp_path, sender=SENDER, clock=clock)

    first = await outbox.write(RESET)
    clock.advance(datetime(2030, 5, 17, 8, 31, tzinfo=UTC) - clock.now())
    second = await outbox.write(RESET)

    assert outbox.messages() == [first, second]
    assert first.name.startswith("20300517T083000")
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name]  # noqa: ASYNC240
    mime = parse_eml(first.read_bytes())
    assert mime["Date"] == "Fri, 17 May 2030 08:30:00 +0000"
    assert mime["Message-ID"].endswith("@questlog.test>")
    assert b"\r\n" in first.read_bytes()  # RFC 5322 line endings


async def test_memory_sender_helps_tests_find_messages() -> None:
    sender = InMemoryEmailSender()
    await sender.send(RESET)
    await sender.send(EmailMessage(to="Bob <bob@example.com>", subject="Hi", text="x"))

    assert sender.sent[0] == RESET
    assert sender.last.subject == "Hi"
    assert sender.to("bob@example.com") == [sender.sent[1]]
    sender.clear()
    assert sender.sent == []
