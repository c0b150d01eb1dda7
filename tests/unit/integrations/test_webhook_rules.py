"""Webhook rules: signatures per Standard Webhooks, the URL and address checks, the retry
schedule."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from questlog_core.integrations.webhooks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    Attempt,
    Delivery,
    DeliveryStatus,
    check_url,
    new_secret,
    refusal_of_address,
    refusal_of_addresses,
    signature_headers,
)
from questlog_core.kernel.errors import ValidationFailed
from questlog_core.kernel.ids import EventId, UserId
from tests.support.standard_webhooks import Unverified, verify

AT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def test_a_signature_verifies_with_an_independent_implementation_and_only_for_its_body() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:])) == 32
    body = b'{"type":"quest.completed.v1","data":{}}'
    headers = signature_headers(secret, "msg_1", AT, body)
    verify(secret, headers, body, now=AT.timestamp())
    with pytest.raises(Unverified):
        verify(secret, headers, body + b" ", now=AT.timestamp())
    with pytest.raises(Unverified):
        verify(new_secret(), headers, body, now=AT.timestamp())
    with pytest.raises(Unverified):  # a replay an hour later
        verify(secret, headers, body, now=AT.timestamp() + 3600)


def test_the_specifications_example_signature() -> None:
    # The example of the Standard Webhooks specification (its test vector).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    headers = signature_headers(
        secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", datetime.fromtimestamp(1614265330, UTC), body
    )
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
    ],
)
def test_addresses_that_are_not_public_are_refused(address: str) -> None:
    assert refusal_of_address(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_of_address(address) is None


def test_a_name_with_any_private_address_is_refused() -> None:
    assert refusal_of_addresses("h.example", ["93.184.216.34", "10.0.0.1"]) is not None
    assert refusal_of_addresses("h.example", []) is not None
    assert refusal_of_addresses("h.example", ["93.184.216.34"]) is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/",
        "file:///etc/passwd",
        "gopher://hooks.example.com/",
        "http://user:pass@hooks.example.com/",
        "http://user@hooks.example.com/",
        "http:///nohost",
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0:80/",
        "http://hooks.example.com/#fragment",
        "https://hooks.example.com:99999/",
        "https://hooks.example.com/" + "a" * 2000,
        "https://" + "a" * 64 + ".example.com/",
        "https://a..example.com/",
    ],
)
def test_urls_that_cannot_be_public_endpoints_are_refused(url: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_url(url)
    assert refused.value.field == "url"


def test_a_url_is_taken_apart_for_sending() -> None:
    checked = check_url("https://Hooks.Example.com:8443/in?x=1")
    assert (checked.host, checked.port, checked.target, checked.literal) == (
        "hooks.example.com",
        8443,
        "/in?x=1",
        False,
    )
    assert check_url("http://127.0.0.1:9/", allow_private=True).literal


def _delivery() -> Delivery:
    return Delivery(
        id=uuid4(),
        owner=UserId(uuid4()),
        endpoint_id=uuid4(),
        event_id=EventId(uuid4()),
        event_type="quest.completed.v1",
        body="{}",
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=AT,
        last_status_code=None,
        last_error=None,
        created_at=AT,
        updated_at=AT,
    )


def _attempt(d: Delivery, at: datetime, code: int | None, error: str | None = None) -> Attempt:
    return Attempt(
        delivery_id=d.id, owner=d.owner, at=at, status_code=code, error=error, duration_ms=1
    )


def test_failures_are_retried_on_the_schedule_then_the_delivery_fails() -> None:
    d = _delivery()
    at = AT
    for n in range(MAX_ATTEMPTS - 1):
        d.after_attempt(_attempt(d, at, 500))
        assert d.status is DeliveryStatus.PENDING
        assert d.next_attempt_at == at + RETRY_DELAYS[n]
        at = d.next_attempt_at
    d.after_attempt(_attempt(d, at, None, "timed out"))
    assert (d.status, d.next_attempt_at, d.attempts) == (DeliveryStatus.FAILED, None, 7)
    assert sum(RETRY_DELAYS, timedelta()) < timedelta(days=1)


def test_a_2xx_delivers_and_a_redirect_does_not() -> None:
    d = _delivery()
    d.after_attempt(_attempt(d, AT, 302, "redirect to http://10.0.0.1/ not followed"))
    assert d.status is DeliveryStatus.PENDING
    d.after_attempt(_attempt(d, AT, 204))
    assert (d.status, d.next_attempt_at, d.last_status_code) == (
        DeliveryStatus.DELIVERED,
        None,
        204,
    )


def test_private_addresses_can_never_be_allowed_in_production() -> None:
    from apps.settings import Settings, SettingsError

    assert Settings(webhook_allow_private=True, environment="test").webhook_allow_private
    with pytest.raises(SettingsError, match="WEBHOOK_ALLOW_PRIVATE"):
        Settings(webhook_allow_private=True, environment="production")
