"""Web Push beyond the contract: VAPID, encryption, subscriptions, push-service answers.

The push service is faked at the HTTP transport (``tests/contract/push_fixtures.py``): it
checks the VAPID JWT against the key in the header and decrypts each payload with the
subscription's private key, as a browser would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx

from adapters.memory.clock import FixedClock
from adapters.push.webpush import WebPushSender
from questlog_core.errors import DeliveryFailed, PushTokenRejected
from questlog_core.ports.platform import PushMessage
from tests.contract.push_fixtures import (
    PUSH_HOST,
    VAPID_KEY,
    VAPID_SUBJECT,
    FakePushService,
    Subscriber,
    push_service,
    vapid_private_pem,
)

__all__ = ["push_service"]

Service = tuple[FakePushService, WebPushSender, respx.MockRouter]


def note(token: str, **changes: object) -> PushMessage:
    fields: dict[str, object] = {
        "device_token": token,
        "title": "Achievement unlocked",
        "body": "Early bird: 5 quests finished before 9:00.",
        "data": {"kind": "achievement", "achievement": "early-bird"},
        "ttl_seconds": 600,
    }
    fields.update(changes)
    return PushMessage(**fields)  # type: ignore[arg-type]


async def test_the_request_carries_vapid_ttl_and_an_encrypted_body(push_service: Service) -> None:
    service, sender, _ = push_service
    token = service.subscribe("ada-laptop")

    receipt = await sender.send(note(token))

    [request] = service.requests
    assert request.headers["TTL"] == "600"
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert b"Early bird" not in request.content  # only the subscriber can read it
    [claims] = service.claims
    assert claims["aud"] == PUSH_HOST
    assert claims["sub"] == VAPID_SUBJECT
    assert receipt.message_id == f"{PUSH_HOST}/m/1"
    assert service.inbox[0].data == {"kind": "achievement", "achievement": "early-bird"}


async def test_the_vapid_header_is_reused_then_re_signed_before_it_lapses(
    push_service: Service,
) -> None:
    service, _, _ = push_service
    # The fake push service checks ``exp`` against the real time, as a real one does, so the
    # sender's clock starts now (a fixed date in the past made this test expire with the date).
    clock = FixedClock(datetime.now(UTC))
    sender = WebPushSender(VAPID_KEY, VAPID_SUBJECT, clock=clock)
    token = service.subscribe("ada-phone")

    await sender.send(note(token))
    await sender.send(note(token))
    clock.advance(timedelta(hours=11, minutes=30))  # less than an hour of validity left
    await sender.send(note(token))

    auth = [r.headers["Authorization"] for r in service.requests]
    assert auth[0] == auth[1] != auth[2]
    assert service.claims[2]["exp"] > service.claims[0]["exp"]


@pytest.mark.parametrize("status", [404, 410])
async def test_a_subscription_the_service_dropped_is_rejected(
    push_service: Service, status: int
) -> None:
    service, sender, _ = push_service
    token = service.subscribe("gone")
    service.scripted.append(httpx.Response(status, text="push subscription has unsubscribed"))

    with pytest.raises(PushTokenRejected) as error:
        await sender.send(note(token))

    assert error.value.device_token == token
    assert error.value.status == status


@pytest.mark.parametrize(
    ("status", "headers", "retryable", "retry_after"),
    [
        (429, {"Retry-After": "45"}, True, 45),
        (503, {"Retry-After": "5"}, True, 5),
        (500, {}, True, None),
        (413, {}, False, None),
        (400, {}, False, None),
        (401, {}, False, None),
        (403, {}, False, None),
    ],
)
async def test_push_service_answers_map_to_retry_or_not(
    push_service: Service,
    status: int,
    headers: dict[str, str],
    retryable: bool,
    retry_after: float | None,
) -> None:
    service, sender, _ = push_service
    service.scripted.append(httpx.Response(status, headers=headers, text="nope"))

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note(service.subscribe("ada")))

    assert not isinstance(error.value, PushTokenRejected)
    assert (error.value.retryable, error.value.retry_after_seconds) == (retryable, retry_after)


async def test_a_timeout_is_retryable(push_service: Service) -> None:
    service, sender, _ = push_service
    service.scripted.append(httpx.ConnectTimeout("timed out"))

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note(service.subscribe("ada")))

    assert error.value.retryable is True


def _with(endpoint: str | None = None, **keys: object) -> str:
    subscription = json.loads(Subscriber.new("x").token)
    if endpoint is not None:
        subscription["endpoint"] = endpoint
    subscription["keys"].update(keys)
    return json.dumps(subscription)


@pytest.mark.parametrize(
    "token",
    [
        "not json",
        "[1, 2]",
        json.dumps({"endpoint": f"{PUSH_HOST}/x"}),
        _with(p256dh=None),
        _with(auth=""),
        _with(p256dh="AAAA"),
        _with(endpoint="http://push.example.net/x"),
        _with(endpoint="https://127.0.0.1/x"),
        _with(endpoint="https://[::1]:8443/x"),
        _with(endpoint="https://10.1.2.3/x"),
        _with(endpoint="https://169.254.169.254/latest/meta-data"),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-keys",
        "no-p256dh",
        "empty-auth",
        "bad-p256dh",
        "plain-http",
        "loopback",
        "loopback-v6",
        "private",
        "link-local",
    ],
)
async def test_an_unusable_subscription_is_rejected_without_a_request(
    push_service: Service, token: str
) -> None:
    service, sender, _ = push_service

    with pytest.raises(PushTokenRejected) as error:
        await sender.send(note(token))

    assert error.value.device_token == token
    assert service.requests == []


async def test_the_private_key_can_be_a_pem_file_or_the_key_itself(
    push_service: Service, tmp_path: Path
) -> None:
    service, sender, _ = push_service
    pem = tmp_path / "private_key.pem"
    pem.write_text(vapid_private_pem(), encoding="utf-8")
    der = "".join(vapid_private_pem().splitlines()[1:-1])  # base64 DER, as in an env variable

    for key in (str(pem), der):
        other = WebPushSender.from_private_key(key, VAPID_SUBJECT)
        assert other.application_server_key == sender.application_server_key
        await other.send(note(service.subscribe("k")))

    assert len(service.inbox) == 2


def test_the_subject_must_reach_the_operator() -> None:
    with pytest.raises(ValueError, match="mailto"):
        WebPushSender(VAPID_KEY, "ops@questlog.test")
