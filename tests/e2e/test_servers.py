"""``questlog serve`` runs on granian (the default) and on uvicorn (``--server uvicorn``): both
serve the whole API, from sign-up to reading a quest back, and stop cleanly."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.server import start_server, stop_server

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_each_server_serves_a_signed_in_user_and_stops(server: str, tmp_path: Path) -> None:
    running = start_server(tmp_path, extra_args=["--server", server])
    try:
        with httpx.Client(base_url=running.base_url, timeout=30.0) as client:
            user = {"email": "sam@example.com", "password": "long enough passphrase 1"}
            registered = client.post("/api/v1/auth/register", json={**user, "display_name": "S"})
            assert registered.status_code == 202, registered.text
            token = client.post("/api/v1/auth/login", json=user).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            created = client.post("/api/v1/quests", json={"title": "Ship it"}, headers=headers)
            assert created.status_code == 201, created.text
            read = client.get(f"/api/v1/quests/{created.json()['id']}", headers=headers)
            assert read.status_code == 200
            assert read.json()["title"] == "Ship it"
        assert f"server: {server}" in running.output()
    finally:
        stop_server(running)
    assert running.process.returncode is not None
