"""The notification flow across separate processes: PostgreSQL, the Redis broker, an SMTP server.

``questlog serve auth``, ``serve quest``, ``serve gamification``, ``serve notification`` and
``questlog worker`` (consumers, outbox relay, notification dispatcher) run as their own
processes on one PostgreSQL database, with Redis between them and a real SMTP server
(aiosmtpd, STARTTLS with a throwaway certificate the worker trusts, AUTH required). A player
completes a quest; the game's unlock reaches the notification service as an event, shows in
their history, and arrives as an email.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
import uuid
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.contract.email_fixtures import (
    SMTP_PASSWORD,
    SMTP_USER,
    RecordingHandler,
    _authenticator,
    free_port,
)
from tests.e2e.test_black_box import bearer, create_quest, sign_up
from tests.e2e.test_event_flow import _forget_redis_keys, run_id
from tests.support.events import wait_for
from tests.support.server import (
    RunningServer,
    RunningWorker,
    start_server,
    start_worker,
    stop_server,
    stop_worker,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

DELIVERY_SECONDS = 60.0


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "questlog-e2e-smtp")])
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
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def database(postgres_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test alone (a copy of the template)."""
    from adapters.sql.scratch import drop_database
    from tests.support.databases import copy_database

    url = copy_database(postgres_template, "notify")
    try:
        yield url
    finally:
        drop_database(url)


class System:
    def __init__(self, servers: dict[str, RunningServer], worker: RunningWorker) -> None:
        self.servers = servers
        self.worker = worker

    def url(self, service: str) -> str:
        return self.servers[service].base_url

    def output(self) -> str:
        return self.worker.output()[-4000:]


@pytest.fixture
def system(
    tmp_path: Path, database: str, redis_url: str
) -> Iterator[tuple[System, RecordingHandler]]:
    import ssl

    from adapters.security.jwt_tokens import load_signing_key

    cert_file, key_file = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    handler = RecordingHandler()
    port = free_port()
    smtp = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    smtp.start()
    prefix = run_id()
    env = {
        "QUESTLOG_MIGRATE_ON_START": "false",
        "QUESTLOG_DATABASE_URL": database,
        "QUESTLOG_BROKER": "redis",
        "QUESTLOG_REDIS_URL": redis_url,
        "QUESTLOG_REDIS_KEY_PREFIX": prefix,
        "QUESTLOG_QUEUE_PREFIX": prefix,
        "QUESTLOG_EMAIL": "smtp",
        "QUESTLOG_SMTP_URL": f"smtp://{SMTP_USER}:{quote(SMTP_PASSWORD)}@127.0.0.1:{port}",
        "QUESTLOG_EMAIL_FROM": "Questlog <quests@questlog.test>",
        # the worker trusts the throwaway certificate the way it would trust a real one
        "SSL_CERT_FILE": str(cert_file),
    }
    load_signing_key(tmp_path / "keys" / "jwt.pem", create_if_missing=True)
    servers: dict[str, RunningServer] = {}
    worker: RunningWorker | None = None
    try:
        for service in ("auth", "quest", "gamification", "notification"):
            servers[service] = start_server(tmp_path, env, service=service)
        worker = start_worker(tmp_path, env)
        yield System(servers, worker), handler
    finally:
        if worker is not None:
            stop_worker(worker)
        for server in servers.values():
            stop_server(server)
        smtp.stop()
        _forget_redis_keys(redis_url, prefix)


def _emails_to(handler: RecordingHandler, address: str) -> list[MimeMessage]:
    out = []
    for _, rcpts, data in handler.received:
        if address in rcpts:
            message = BytesParser(policy=policy.default).parsebytes(data)
            assert isinstance(message, MimeMessage)
            out.append(message)
    return out


def test_a_completion_is_notified_in_app_and_by_email_across_processes(
    system: tuple[System, RecordingHandler],
) -> None:
    running, smtp = system
    email = f"player-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(timeout=30.0) as client:
        with httpx.Client(base_url=running.url("auth"), timeout=30.0) as auth:
            headers = bearer(sign_up(auth, email))
        client.base_url = httpx.URL(running.url("quest"))
        quest_id = create_quest(client, headers, "Send the invoices", difficulty="easy")
        done = client.post(f"/api/v1/quests/{quest_id}/complete", headers=headers)
        assert done.status_code == 200, done.text
        answered = time.monotonic()

        history_url = f"{running.url('notification')}/api/v1/notifications/history"

        def unlocks() -> list[dict[str, Any]]:
            page = client.get(history_url, headers=headers)
            assert page.status_code == 200, page.text
            return [i for i in page.json()["items"] if i["kind"] == "achievement_unlocked"]

        assert wait_for(unlocks, DELIVERY_SECONDS, poll=0.02), running.output()
        print(f"\ncompletion answered -> unlock in /history: {time.monotonic() - answered:.3f} s")
        profile = client.get(
            f"{running.url('gamification')}/api/v1/gamification/profile", headers=headers
        )
        assert profile.status_code == 200, profile.text
        assert profile.json()["total_xp"] > 0

        assert wait_for(
            lambda: any(
                "Achievement unlocked" in str(m["Subject"]) for m in _emails_to(smtp, email)
            ),
            DELIVERY_SECONDS,
        ), running.output()

        # One email per unlock, none twice (two dispatcher ticks later, nothing more came).
        def achievement_mails() -> list[MimeMessage]:
            return [
                m for m in _emails_to(smtp, email) if "Achievement unlocked" in str(m["Subject"])
            ]

        assert wait_for(lambda: len(achievement_mails()) >= len(unlocks()), DELIVERY_SECONDS)
        time.sleep(2.0)
        expected = sorted(f"Achievement unlocked: {i['title']}" for i in unlocks())
        mails = achievement_mails()
        assert sorted(str(m["Subject"]) for m in mails) == expected
        text, html = mails[0].get_body(("plain",)), mails[0].get_body(("html",))
        assert text is not None
        assert html is not None
        assert "/api/v1/notifications/unsubscribe?token=" in text.get_content()
        assert wait_for(
            lambda: all(i["deliveries"][0]["state"] == "sent" for i in unlocks()),
            DELIVERY_SECONDS,
        ), unlocks()
