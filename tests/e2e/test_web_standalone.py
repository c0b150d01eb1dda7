"""The web client served on its own (``questlog serve web``), calling the gateway over HTTP:
the production shape documented in docs/web.md."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.support.server import start_server, stop_server

pytestmark = pytest.mark.e2e

PASSWORD = "a long and unusual passphrase"


def test_the_web_client_alone_signs_up_and_lists_through_the_gateway(tmp_path: Path) -> None:
    for folder in ("gateway", "web"):
        (tmp_path / folder).mkdir()
    gateway = start_server(
        tmp_path / "gateway", extra_env={"QUESTLOG_TRUSTED_PROXIES": "127.0.0.1"}
    )
    try:
        web = start_server(
            tmp_path / "web",
            service="web",
            extra_env={"QUESTLOG_WEB_API_URL": gateway.base_url},
        )
        try:
            with httpx.Client(base_url=web.base_url, follow_redirects=True) as browser:
                page = browser.get("/signup")
                token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
                assert token
                signed_up = browser.post(
                    "/signup",
                    data={
                        "_csrf_token": token.group(1),
                        "display_name": "Solo",
                        "email": "solo@example.com",
                        "password": PASSWORD,
                    },
                )
                assert signed_up.status_code == 200, signed_up.text
                assert "Nothing open" in signed_up.text
                browser.post(
                    "/quests/new",
                    data={"_csrf_token": token.group(1), "title": "Made through the gateway"},
                )
                assert "Made through the gateway" in browser.get("/").text
            # The account and the quest live behind the gateway, not in the web client.
            with httpx.Client(base_url=gateway.base_url) as api:
                login = api.post(
                    "/api/v1/auth/login",
                    json={"email": "solo@example.com", "password": PASSWORD},
                )
                assert login.status_code == 200
                quests = api.get(
                    "/api/v1/quests",
                    headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                ).json()["items"]
                assert [q["title"] for q in quests] == ["Made through the gateway"]
        finally:
            stop_server(web)
    finally:
        stop_server(gateway)
