"""FCM HTTP v1 beyond the contract: the request, the OAuth2 token's life, FCM's error codes.

Google's token endpoint and FCM are faked at the HTTP transport with their documented bodies
(``tests/contract/push_fixtures.py``); nothing of ours is patched.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
import requests
import respx

from adapters.push.fcm import FcmPushSender
from questlog_core.errors import DeliveryFailed, PushTokenRejected
from questlog_core.ports.platform import PushMessage
from tests.contract.push_fixtures import (
    FCM_SCOPE,
    FCM_SEND,
    PROJECT,
    TOKEN_URI,
    FakeGoogle,
    fcm_error,
    fcm_sender,
    google,
    service_account_info,
)

__all__ = ["google"]

Google = tuple[FakeGoogle, respx.MockRouter]
DEVICE = "dDeViCe:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"


def note(token: str = DEVICE, **changes: object) -> PushMessage:
    fields: dict[str, object] = {
        "device_token": token,
        "title": "Streak at risk",
        "body": "Finish one quest before midnight to keep your 6-day streak.",
        "data": {"kind": "streak_at_risk"},
        "ttl_seconds": 3600,
    }
    fields.update(changes)
    return PushMessage(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def sender(google: Google) -> FcmPushSender:
    google[0].registered.add(DEVICE)
    return fcm_sender()


async def test_the_request_is_fcms_documented_shape(google: Google, sender: FcmPushSender) -> None:
    fake, _ = google

    receipt = await sender.send(note())

    [request] = fake.requests
    assert str(request.url) == FCM_SEND
    assert request.headers["Authorization"] == f"Bearer {fake.issued[0]}"
    message = json.loads(request.content)["message"]
    assert message["token"] == DEVICE
    assert message["notification"] == {
        "title": "Streak at risk",
        "body": "Finish one quest before midnight to keep your 6-day streak.",
    }
    assert message["data"] == {"kind": "streak_at_risk"}
    assert message["android"] == {"ttl": "3600s"}
    assert message["webpush"] == {"headers": {"TTL": "3600"}}
    assert receipt.message_id == f"projects/{PROJECT}/messages/1"


async def test_the_token_comes_from_a_jwt_signed_by_the_service_account(
    google: Google, sender: FcmPushSender
) -> None:
    fake, _ = google

    await sender.send(note())

    # The fake verified the RS256 signature with the service account's public key.
    [claims] = fake.assertions
    assert claims["iss"] == f"push@{PROJECT}.iam.gserviceaccount.com"
    assert claims["aud"] == TOKEN_URI
    assert claims["scope"] == FCM_SCOPE
    assert claims["exp"] - claims["iat"] <= 3600


async def test_the_access_token_is_reused_until_it_expires(
    google: Google, sender: FcmPushSender
) -> None:
    fake, _ = google

    for _ in range(3):
        await sender.send(note())

    assert len(fake.issued) == 1
    assert len(fake.inbox) == 3


async def test_a_token_about_to_expire_is_refreshed_before_sending(google: Google) -> None:
    fake, _ = google
    fake.registered.add(DEVICE)
    fake.token_lifetime = 60  # inside google-auth's refresh margin: never worth reusing
    sender = fcm_sender()

    await sender.send(note())
    await sender.send(note())

    assert len(fake.issued) == 2
    assert [r.headers["Authorization"] for r in fake.requests] == [
        f"Bearer {fake.issued[0]}",
        f"Bearer {fake.issued[1]}",
    ]


async def test_a_401_refreshes_the_token_once_and_the_message_goes_out(
    google: Google, sender: FcmPushSender
) -> None:
    fake, _ = google
    await sender.send(note())
    fake.issued.append("ya29.rotated-server-side")  # FCM now accepts only a newer token

    await sender.send(note())

    assert len(fake.assertions) == 2  # one fresh exchange for the 401
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {fake.issued[-1]}"
    assert len(fake.inbox) == 2


async def test_a_401_after_a_fresh_token_is_a_permanent_credentials_problem(
    google: Google, sender: FcmPushSender
) -> None:
    fake, _ = google
    refused = fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
    fake.scripted += [refused, refused]

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert not isinstance(error.value, PushTokenRejected)  # the device is not to blame
    assert error.value.retryable is False
    assert error.value.status == 401
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    "response",
    [
        fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"),
        fcm_error(
            400,
            "INVALID_ARGUMENT",
            "The registration token is not a valid FCM registration token",
            "INVALID_ARGUMENT",
        ),
        fcm_error(
            400,
            "INVALID_ARGUMENT",
            "Request contains an invalid argument.",
            "INVALID_ARGUMENT",
            field_violation="message.token",
        ),
        fcm_error(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH"),
    ],
    ids=["unregistered", "invalid-token-message", "invalid-token-field", "sender-id-mismatch"],
)
async def test_fcms_token_errors_reject_the_device(
    google: Google, sender: FcmPushSender, response: httpx.Response
) -> None:
    google[0].scripted.append(response)

    with pytest.raises(PushTokenRejected) as error:
        await sender.send(note())

    assert error.value.device_token == DEVICE
    assert error.value.status == response.status_code


@pytest.mark.parametrize(
    "response",
    [
        fcm_error(
            400,
            "INVALID_ARGUMENT",
            "Invalid value at 'message.data[0].value'",
            field_violation="message.data[0].value",
        ),
        fcm_error(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied"),
        fcm_error(401, "UNAUTHENTICATED", "APNs auth key invalid", "THIRD_PARTY_AUTH_ERROR"),
        httpx.Response(400, text="<html>Bad Request</html>"),
    ],
    ids=["bad-data", "no-permission", "apns-auth", "malformed-body"],
)
async def test_other_refusals_are_permanent_but_keep_the_device(
    google: Google, sender: FcmPushSender, response: httpx.Response
) -> None:
    fake, _ = google
    fake.scripted += [response, response]  # a 401 earns one retry with a fresh token

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert not isinstance(error.value, PushTokenRejected)
    assert error.value.retryable is False
    assert error.value.retry_after_seconds is None


async def test_quota_exceeded_is_retryable_after_fcms_delay(
    google: Google, sender: FcmPushSender
) -> None:
    google[0].scripted.append(
        fcm_error(
            429,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded.",
            "QUOTA_EXCEEDED",
            headers={"Retry-After": "30"},
        )
    )

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert error.value.retryable is True
    assert error.value.status == 429
    assert error.value.retry_after_seconds == 30


async def test_a_bad_gateway_page_with_a_date_retry_after_is_retryable(
    google: Google, sender: FcmPushSender
) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    google[0].scripted.append(
        httpx.Response(
            502, text="<!DOCTYPE html><title>Error 502</title>", headers={"Retry-After": later}
        )
    )

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert error.value.retryable is True
    assert error.value.retry_after_seconds is not None
    assert 100 <= error.value.retry_after_seconds <= 120


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("timed out"), httpx.ConnectError("connection refused")],
    ids=["timeout", "connect"],
)
async def test_network_failures_are_retryable(
    google: Google, sender: FcmPushSender, failure: Exception
) -> None:
    google[0].scripted.append(failure)

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert error.value.retryable is True


async def test_an_accepted_message_with_an_unreadable_body_is_not_sent_again(
    google: Google, sender: FcmPushSender
) -> None:
    fake, _ = google
    fake.scripted.append(httpx.Response(200, text="not json"))

    receipt = await sender.send(note())

    assert receipt.sent is True
    assert receipt.message_id is None
    assert len(fake.requests) == 1


async def test_a_key_the_token_endpoint_refuses_stops_before_fcm(google: Google) -> None:
    fake, _ = google
    fake.token_error = (400, {"error": "invalid_grant", "error_description": "Invalid JWT"})
    sender = fcm_sender()

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert error.value.retryable is False
    assert "access token refused" in error.value.reason
    assert fake.requests == []


async def test_the_project_comes_from_the_key_file_or_the_setting(
    google: Google, tmp_path: Path
) -> None:
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(service_account_info()), encoding="utf-8")
    other = tmp_path / "no-project.json"
    other.write_text(json.dumps(service_account_info(project_id=None)), encoding="utf-8")

    assert FcmPushSender.from_service_account_file(key_file).project_id == PROJECT
    assert FcmPushSender.from_service_account_file(other, project_id="p2").project_id == "p2"
    with pytest.raises(ValueError, match="project id"):
        FcmPushSender.from_service_account_file(other)


async def test_an_unreachable_token_endpoint_is_retryable(google: Google) -> None:
    fake, _ = google
    fake.token_failure = requests.ConnectionError("connection refused")
    sender = fcm_sender()

    with pytest.raises(DeliveryFailed) as error:
        await sender.send(note())

    assert error.value.retryable is True
    assert "token endpoint unreachable" in error.value.reason
    assert fake.requests == []


async def test_the_token_exchange_is_bounded_by_the_senders_timeout(google: Google) -> None:
    fake, _ = google
    fake.registered.add(DEVICE)
    sender = fcm_sender(timeout=2.5)

    await sender.send(note())

    # google-auth's own default would wait 120 s for the token endpoint
    assert fake.token_timeouts == [2.5]
