"""The PushSender contract: every adapter delivers the same message and refuses the same input.

Parametrised over the in-memory sender, the log sender (embedded default: it says it sent
nothing), FCM HTTP v1 and Web Push, the last two against provider-shaped fakes at the HTTP
transport (``tests/contract/push_fixtures.py``): what "arrived" is what FCM was asked to
deliver, or what the browser decrypts with its own subscription key.
"""

from __future__ import annotations

import pytest

from questlog_core.errors import DeliveryFailed, PushTokenRejected, ValidationFailed
from questlog_core.ports.platform import PushMessage
from tests.contract.push_fixtures import (
    Delivered,
    PushCase,
    delivering_case,
    google,
    push_case,
    push_service,
)

__all__ = ["delivering_case", "google", "push_case", "push_service"]  # fixtures for pytest


def level_up(token: str, **changes: object) -> PushMessage:
    fields: dict[str, object] = {
        "device_token": token,
        "title": "Level 5 reached!",
        "body": "You reached level 5. New: custom categories.",
        "data": {"kind": "level_up", "level": "5"},
    }
    fields.update(changes)
    return PushMessage(**fields)  # type: ignore[arg-type]


async def test_a_message_arrives_with_its_title_body_and_data(push_case: PushCase) -> None:
    token = push_case.token()

    receipt = await push_case.sender.send(level_up(token))

    assert push_case.delivered() == [
        Delivered(
            token[:12],
            "Level 5 reached!",
            "You reached level 5. New: custom categories.",
            {"kind": "level_up", "level": "5"},
        )
    ]
    assert receipt.provider == push_case.name
    # Only the log sender keeps everything in the process, and its receipt says so.
    assert receipt.sent is (push_case.name != "log")


async def test_non_ascii_text_survives(push_case: PushCase) -> None:
    token = push_case.token()

    await push_case.sender.send(
        level_up(token, title="Quête accomplie ✓ 🎉", body="Série de 7 jours 🔥 日本語", data={})
    )

    [got] = push_case.delivered()
    assert (got.title, got.body, got.data) == (
        "Quête accomplie ✓ 🎉",
        "Série de 7 jours 🔥 日本語",
        {},
    )


async def test_messages_to_several_devices_arrive_in_order(push_case: PushCase) -> None:
    phone, laptop = push_case.token(), push_case.token()

    for n, token in enumerate([phone, laptop, phone]):
        await push_case.sender.send(level_up(token, title=f"Reminder {n}"))

    assert [(d.token_prefix, d.title) for d in push_case.delivered()] == [
        (phone[:12], "Reminder 0"),
        (laptop[:12], "Reminder 1"),
        (phone[:12], "Reminder 2"),
    ]


@pytest.mark.parametrize("key", ["from", "notification", "google.sent_time", "gcm.key"])
async def test_data_keys_the_push_services_reserve_are_refused(
    push_case: PushCase, key: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        await push_case.sender.send(level_up(push_case.token(), data={key: "x"}))

    assert error.value.field == "data"
    assert push_case.delivered() == []


async def test_a_payload_bigger_than_one_push_is_refused(push_case: PushCase) -> None:
    with pytest.raises(ValidationFailed) as error:
        await push_case.sender.send(level_up(push_case.token(), body="é" * 2000))

    assert error.value.field == "body"
    assert push_case.delivered() == []


async def test_an_empty_device_token_is_a_rejected_token(push_case: PushCase) -> None:
    with pytest.raises(PushTokenRejected) as error:
        await push_case.sender.send(level_up(""))

    assert error.value.retryable is False
    assert push_case.delivered() == []


async def test_a_device_the_service_forgot_is_rejected_for_good(
    delivering_case: PushCase,
) -> None:
    push_case = delivering_case
    assert push_case.gone_token is not None
    gone = push_case.gone_token()

    with pytest.raises(PushTokenRejected) as error:
        await push_case.sender.send(level_up(gone))

    # The caller deactivates exactly this device and never retries it.
    assert error.value.device_token == gone
    assert error.value.retryable is False
    assert push_case.delivered() == []


async def test_an_outage_is_retryable_with_the_services_hint_and_passes(
    delivering_case: PushCase,
) -> None:
    push_case = delivering_case
    assert push_case.outage is not None
    token = push_case.token()
    push_case.outage(7)

    with pytest.raises(DeliveryFailed) as error:
        await push_case.sender.send(level_up(token))

    assert not isinstance(error.value, PushTokenRejected)
    assert error.value.retryable is True
    assert error.value.retry_after_seconds == 7
    assert push_case.delivered() == []

    await push_case.sender.send(level_up(token))  # the retry, once the service is back

    assert len(push_case.delivered()) == 1
