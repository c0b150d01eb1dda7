"""``QUESTLOG_PUSH`` and its companions choose and configure the container's push sender."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.push.fcm import FcmPushSender
from adapters.push.log import LogPushSender
from adapters.push.webpush import WebPushSender
from apps.container import build_container
from apps.settings import Settings, SettingsError
from tests.contract.push_fixtures import (
    PROJECT,
    VAPID_KEY,
    VAPID_SUBJECT,
    service_account_info,
    vapid_private_pem,
)


def settings(tmp_path: Path, **variables: str) -> Settings:
    env = {
        "QUESTLOG_DATABASE_URL": "memory://",
        "QUESTLOG_JWT_PRIVATE_KEY_PATH": str(tmp_path / "jwt.pem"),
        **variables,
    }
    return Settings.from_env(env)


def test_the_embedded_default_only_logs(tmp_path: Path) -> None:
    assert isinstance(build_container(settings(tmp_path)).push_sender(), LogPushSender)


def test_fcm_reads_the_key_file_project_and_timeout(tmp_path: Path) -> None:
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(service_account_info()), encoding="utf-8")
    chosen = {"QUESTLOG_PUSH": "fcm", "QUESTLOG_FCM_SERVICE_ACCOUNT_FILE": str(key_file)}

    sender = build_container(
        settings(tmp_path, **chosen, QUESTLOG_PUSH_TIMEOUT_SECONDS="3.5")
    ).push_sender()
    other = build_container(
        settings(tmp_path, **chosen, QUESTLOG_FCM_PROJECT_ID="questlog-prod")
    ).push_sender()

    assert isinstance(sender, FcmPushSender)
    assert (sender.project_id, sender.timeout) == (PROJECT, 3.5)
    assert isinstance(other, FcmPushSender)
    assert other.project_id == "questlog-prod"


def test_webpush_reads_the_vapid_key_and_subject(tmp_path: Path) -> None:
    pem = tmp_path / "private_key.pem"
    pem.write_text(vapid_private_pem(), encoding="utf-8")

    sender = build_container(
        settings(
            tmp_path,
            QUESTLOG_PUSH="webpush",
            QUESTLOG_VAPID_PRIVATE_KEY=str(pem),
            QUESTLOG_VAPID_SUBJECT=VAPID_SUBJECT,
        )
    ).push_sender()

    assert isinstance(sender, WebPushSender)
    assert sender.subject == VAPID_SUBJECT
    assert (
        sender.application_server_key
        == WebPushSender(VAPID_KEY, VAPID_SUBJECT).application_server_key
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"QUESTLOG_PUSH": "fcm"}, "QUESTLOG_FCM_SERVICE_ACCOUNT_FILE"),
        (
            {"QUESTLOG_PUSH": "webpush", "QUESTLOG_VAPID_SUBJECT": VAPID_SUBJECT},
            "QUESTLOG_VAPID_PRIVATE_KEY",
        ),
        ({"QUESTLOG_PUSH": "webpush", "QUESTLOG_VAPID_PRIVATE_KEY": "k"}, "QUESTLOG_VAPID_SUBJECT"),
        ({"QUESTLOG_VAPID_SUBJECT": "ops@questlog.test"}, "QUESTLOG_VAPID_SUBJECT"),
        ({"QUESTLOG_PUSH": "apns"}, "QUESTLOG_PUSH"),
        ({"QUESTLOG_PUSH_TIMEOUT_SECONDS": "0"}, "QUESTLOG_PUSH_TIMEOUT_SECONDS"),
    ],
)
def test_a_push_setting_that_cannot_work_fails_at_start(
    tmp_path: Path, variables: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        settings(tmp_path, **variables)


@pytest.mark.parametrize("push", ["fcm", "webpush"])
async def test_shutdown_closes_the_push_senders_http_client(tmp_path: Path, push: str) -> None:
    from apps.container import close_container

    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(service_account_info()), encoding="utf-8")
    pem = tmp_path / "private_key.pem"
    pem.write_text(vapid_private_pem(), encoding="utf-8")
    container = build_container(
        settings(
            tmp_path,
            QUESTLOG_PUSH=push,
            QUESTLOG_FCM_SERVICE_ACCOUNT_FILE=str(key_file),
            QUESTLOG_VAPID_PRIVATE_KEY=str(pem),
            QUESTLOG_VAPID_SUBJECT=VAPID_SUBJECT,
        )
    )
    sender = container.push_sender()
    assert not sender._client.is_closed

    await close_container(container)

    assert sender._client.is_closed
