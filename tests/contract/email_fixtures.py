"""Fixtures for the EmailSender contract suite (imported explicitly by test_email_sender.py).

Each adapter comes with an "inbox reader" that looks where that adapter delivers: the memory
sender's list, the outbox folder's ``.eml`` files, a real aiosmtpd server's received messages
(STARTTLS with a throwaway certificate, AUTH LOGIN/PLAIN), SendGrid's HTTP endpoint faked at
the httpx transport with its documented 202. Readers return ``Delivered`` records, so the
contract's assertions are the same for every adapter.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.email.console import OutboxEmailSender
from adapters.email.sendgrid import SendGridEmailSender
from adapters.email.smtp import SmtpEmailSender
from adapters.memory.email import InMemoryEmailSender
from questlog_core.ports.platform import EmailSender

SENDER = "Questlog <quests@questlog.test>"
SMTP_USER = "questlog"
SMTP_PASSWORD = "correct horse battery staple"
SENDGRID_KEY = "SG.test-key"


@dataclass(frozen=True)
class Delivered:
    """A message as its recipient's side saw it."""

    sender: str  # addr-spec
    to: str  # addr-spec
    subject: str
    text: str
    html: str | None


@dataclass
class EmailCase:
    """One adapter under test and the reader of its inbox."""

    name: str
    sender: EmailSender
    inbox: Callable[[], list[Delivered]]


def _addr(value: str) -> str:
    return str(policy.default.header_factory("To", value).addresses[0].addr_spec)


def _from_mime(mime: MimeMessage) -> Delivered:
    text_part = mime.get_body(("plain",))
    html_part = mime.get_body(("html",))
    assert text_part is not None
    return Delivered(
        sender=_addr(str(mime["From"])),
        to=_addr(str(mime["To"])),
        subject=str(mime["Subject"]),
        text=text_part.get_content(),
        html=html_part.get_content() if html_part is not None else None,
    )


def parse_eml(data: bytes) -> MimeMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, MimeMessage)
    return message


# -- a real SMTP server -----------------------------------------------------------------------


@dataclass
class RecordingHandler:
    """aiosmtpd handler that keeps every accepted message's envelope and bytes."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@dataclass(frozen=True)
class TlsFiles:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A throwaway self-signed certificate for 127.0.0.1, and contexts trusting it."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "questlog-test-smtp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return TlsFiles(server=server, client=client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


@pytest.fixture(scope="session")
def smtp_server(tls: TlsFiles) -> Iterator[SmtpServer]:
    """aiosmtpd on a free port: STARTTLS required, AUTH required (over TLS only)."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls.server,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def plain_smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd without TLS or AUTH (a local relay)."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


# -- SendGrid at the HTTP transport ----------------------------------------------------------


@dataclass
class FakeSendGrid:
    """Answers like SendGrid's Mail Send: 202 and an empty body, recording each request."""

    requests: list[httpx.Request] = field(default_factory=list)
    status: int = 202
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status == 202:
            return httpx.Response(202, headers={"X-Message-Id": uuid.uuid4().hex[:22]})
        return httpx.Response(self.status, json=self.body, headers=self.headers)

    def delivered(self) -> list[Delivered]:
        out: list[Delivered] = []
        for request in self.requests:
            payload = json.loads(request.content)
            content = {c["type"]: c["value"] for c in payload["content"]}
            out.extend(
                Delivered(
                    sender=payload["from"]["email"],
                    to=recipient["email"],
                    subject=payload["subject"],
                    text=content["text/plain"],
                    html=content.get("text/html"),
                )
                for personalization in payload["personalizations"]
                for recipient in personalization["to"]
            )
        return out


# -- the parametrised fixture ----------------------------------------------------------------


@pytest.fixture(params=["memory", "outbox", "smtp", "sendgrid"])
async def email_case(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EmailCase]:
    """Each EmailSender adapter in turn, with a reader of what it delivered in this test."""
    if request.param == "memory":
        memory = InMemoryEmailSender(sender=SENDER)
        yield EmailCase("memory", memory, lambda: [_from_mime(m) for m in memory.mime])
    elif request.param == "outbox":
        outbox = OutboxEmailSender(tmp_path / "outbox", sender=SENDER)
        yield EmailCase(
            "outbox",
            outbox,
            lambda: [_from_mime(parse_eml(p.read_bytes())) for p in outbox.messages()],
        )
    elif request.param == "smtp":
        server: SmtpServer = request.getfixturevalue("smtp_server")
        tls_files: TlsFiles = request.getfixturevalue("tls")
        already = len(server.handler.received)  # the server is shared by the session
        smtp = SmtpEmailSender(
            server.host,
            server.port,
            sender=SENDER,
            security="starttls",
            username=SMTP_USER,
            password=SMTP_PASSWORD,
            timeout=5.0,
            tls_context=tls_files.client,
        )

        def smtp_inbox() -> list[Delivered]:
            out: list[Delivered] = []
            for mail_from, rcpt_tos, data in server.handler.received[already:]:
                delivered = _from_mime(parse_eml(data))
                assert mail_from == delivered.sender  # the envelope matches the headers
                assert rcpt_tos == [delivered.to]
                out.append(delivered)
            return out

        yield EmailCase("smtp", smtp, smtp_inbox)
    else:
        fake = FakeSendGrid()
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake), timeout=5.0) as http:
            sendgrid = SendGridEmailSender(SENDGRID_KEY, sender=SENDER, client=http)
            yield EmailCase("sendgrid", sendgrid, fake.delivered)


__all__ = [
    "SENDER",
    "SENDGRID_KEY",
    "SMTP_PASSWORD",
    "SMTP_USER",
    "Delivered",
    "EmailCase",
    "FakeSendGrid",
    "RecordingHandler",
    "SmtpServer",
    "TlsFiles",
    "email_case",
    "free_port",
    "parse_eml",
    "plain_smtp_server",
    "smtp_server",
    "tls",
]
