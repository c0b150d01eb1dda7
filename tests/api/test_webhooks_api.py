"""``/api/v1/integrations/webhooks`` over HTTP on the all-in-one.

* Managing endpoints (memory and SQLite): register (the secret shown once), list, read, change,
  disable, rotate the secret, delete; another user's endpoint is a 404.
* SSRF at registration with ``QUESTLOG_WEBHOOK_ALLOW_PRIVATE`` off (the default): refused by
  literal IP, by a name the system resolves to loopback (``localhost``), by names stubbed at
  the resolver port to resolve to the metadata or a private address, by scheme and
  credentials.
* End to end on SQLite and PostgreSQL: a completed quest's webhook reaches a real HTTP server
  on a random local port, through the in-process worker (relay, integrations consumer, webhook
  sender), signed so that an independent verifier written from the specification accepts it;
  a receiver answering with a redirect is not followed. These need private addresses allowed
  (the receiver is on 127.0.0.1) and are the only tests that allow them.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from apps.http.problems import PROBLEM_MEDIA_TYPE
from apps.settings import Settings
from tests.support.standard_webhooks import verify

from .conftest import BASE_URL, MakeUser, app_for

Client = TestClient[Litestar]
W = "/api/v1/integrations/webhooks"
_emails = itertools.count(1)


class StubResolver:
    """Name resolution stubbed at its port: names of ``example.com`` resolve as listed."""

    TABLE: ClassVar[dict[str, list[str]]] = {
        "hooks.example.com": ["93.184.216.34"],
        "other.example.com": ["93.184.216.35"],
        "metadata.example.com": ["169.254.169.254"],
        "intranet.example.com": ["10.1.2.3"],
        "mixed.example.com": ["93.184.216.34", "192.168.1.20"],
        "mapped.example.com": ["::ffff:127.0.0.1"],
    }

    async def resolve(self, host: str, port: int) -> list[str]:
        return list(self.TABLE.get(host, []))


@pytest.fixture
def stubbed(app: Litestar) -> Litestar:
    app.state.container.webhook_resolver.override(providers.Object(StubResolver()))
    return app


def register(client: Client, headers: dict[str, str], **fields: Any) -> Any:
    body = {"url": "https://hooks.example.com/questlog", "event_types": ["quest.completed.v1"]}
    return client.post(W, json={**body, **fields}, headers=headers)


def test_a_player_manages_their_endpoints(
    stubbed: Litestar, client: Client, make_user: MakeUser
) -> None:
    me = make_user(client)
    kinds = client.get(f"{W}/event-types", headers=me).json()["items"]
    assert "quest.completed.v1" in kinds
    assert "gamification.level_reached.v1" in kinds
    overview = client.get("/api/v1/integrations", headers=me).json()["items"]
    assert [k["name"] for k in overview] == ["calendar", "webhooks"]

    made = register(client, me, description="my automation")
    assert made.status_code == 201, made.text
    endpoint = made.json()
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert endpoint["enabled"] is True

    listed = client.get(W, headers=me).json()
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]  # shown once only
    one = client.get(f"{W}/{endpoint['id']}", headers=me).json()
    assert "secret" not in one

    changed = client.patch(
        f"{W}/{endpoint['id']}",
        json={"enabled": False, "event_types": ["quest.completed.v1", "quest.created.v1"]},
        headers=me,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["enabled"] is False
    assert changed.json()["event_types"] == ["quest.completed.v1", "quest.created.v1"]

    rotated = client.post(f"{W}/{endpoint['id']}/rotate-secret", headers=me)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != secret

    log = client.get(f"{W}/{endpoint['id']}/deliveries", headers=me)
    assert log.status_code == 200
    assert log.json() == []

    assert client.delete(f"{W}/{endpoint['id']}", headers=me).status_code == 204
    assert client.get(W, headers=me).json() == []
    assert client.get(f"{W}/{endpoint['id']}", headers=me).status_code == 404


def test_one_player_never_sees_or_changes_anothers_endpoints(
    stubbed: Litestar, client: Client, make_user: MakeUser
) -> None:
    mine, theirs = make_user(client), make_user(client)
    endpoint = register(client, mine).json()
    assert client.get(W, headers=theirs).json() == []
    for method, path in [
        ("GET", f"{W}/{endpoint['id']}"),
        ("PATCH", f"{W}/{endpoint['id']}"),
        ("POST", f"{W}/{endpoint['id']}/rotate-secret"),
        ("GET", f"{W}/{endpoint['id']}/deliveries"),
        ("DELETE", f"{W}/{endpoint['id']}"),
    ]:
        kwargs: dict[str, Any] = {"json": {"enabled": False}} if method == "PATCH" else {}
        answer = client.request(method, path, headers=theirs, **kwargs)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    still = client.get(f"{W}/{endpoint['id']}", headers=mine).json()
    assert still["enabled"] is True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://localhost:8080/hook",
        "http://metadata.example.com/latest/meta-data/",
        "https://intranet.example.com/hook",
        "https://mixed.example.com/hook",
        "https://mapped.example.com/hook",
        "https://unresolvable.example.com/hook",
        "http://user:secret@hooks.example.com/hook",
    ],
)
def test_urls_reaching_inside_are_refused_at_registration(
    stubbed: Litestar, client: Client, make_user: MakeUser, url: str
) -> None:
    me = make_user(client)
    answer = register(client, me, url=url)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert answer.json()["field"] == "url"
    assert client.get(W, headers=me).json() == []
    # changing a good endpoint's URL to it is refused too
    good = register(client, me).json()
    moved = client.patch(f"{W}/{good['id']}", json={"url": url}, headers=me)
    assert moved.status_code == 422, moved.text
    assert client.get(f"{W}/{good['id']}", headers=me).json()["url"] == good["url"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://hooks.example.com/", "event_types": ["quest.completed.v1"]},
        {"url": "https://hooks.example.com/", "event_types": []},
        {"url": "https://hooks.example.com/", "event_types": ["quest.nothing.v1"]},
        {"url": "https://hooks.example.com/", "event_types": ["identity.user_registered.v1"]},
        {"url": "https://hooks.example.com/"},
        {"url": "https://hooks.example.com/", "event_types": ["quest.completed.v1"], "x": 1},
    ],
)
def test_bad_registrations_are_clear_4xx(
    stubbed: Litestar, client: Client, make_user: MakeUser, body: dict[str, Any]
) -> None:
    me = make_user(client)
    answer = client.post(W, json=body, headers=me)
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert client.get(W, headers=me).json() == []


# --- end to end: a real receiver ------------------------------------------------------------


class Receiver:
    """A local HTTP server on a random port: ``/hook`` answers 200, ``/moved`` redirects to
    ``/target`` (which records whether it was ever reached)."""

    def __init__(self) -> None:
        received = self.received = []  # type: list[tuple[str, dict[str, str], bytes]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if self.path == "/moved":
                    self.send_response(307)
                    self.send_header("location", "/target")
                else:
                    self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def open_client(settings: Settings) -> Iterator[Client]:
    """The all-in-one with private addresses allowed (the receiver is on 127.0.0.1) and a
    quick webhook sender."""
    app = app_for(settings.replace(webhook_allow_private=True, webhook_send_seconds=0.1))
    with TestClient(app=app, base_url=BASE_URL) as client:
        yield client


def wait_for(condition: Any, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize(
    "settings", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_completed_quest_is_delivered_signed_to_a_local_receiver(
    open_client: Client, receiver: Receiver, make_user: MakeUser
) -> None:
    client = open_client
    me = make_user(client, f"hooked{next(_emails)}@example.com")
    base = f"http://127.0.0.1:{receiver.port}"
    hook = register(client, me, url=f"{base}/hook").json()
    moved = register(client, me, url=f"{base}/moved").json()
    quest = client.post("/api/v1/quests", json={"title": "Ship the webhooks"}, headers=me).json()
    done = client.post(f"/api/v1/quests/{quest['id']}/complete", headers=me)
    assert done.status_code == 200, done.text

    def arrived() -> list[Any]:
        return [r for r in receiver.received if r[0] == "/hook"]

    [(_, headers, body)] = wait_for(arrived)
    verify(hook["secret"], headers, body)  # the independent implementation of the scheme
    sent = json.loads(body)
    assert sent["type"] == "quest.completed.v1"
    assert sent["data"]["quest_id"] == quest["id"]
    assert headers["webhook-id"].startswith("msg_")

    def logged(endpoint: dict[str, Any], status: str) -> list[Any]:
        log = client.get(f"{W}/{endpoint['id']}/deliveries", headers=me).json()
        return [d for d in log if d["status"] == status or d["attempts"] >= 1]

    [delivery] = wait_for(lambda: logged(hook, "delivered"))
    assert delivery["status"] == "delivered"
    assert delivery["webhook_id"] == headers["webhook-id"]
    assert [a["status_code"] for a in delivery["attempt_log"]] == [200]

    # the redirecting receiver: asked once, its redirect never followed
    [redirected] = wait_for(lambda: logged(moved, "never"))
    assert redirected["status"] == "pending"
    assert redirected["last_status_code"] == 307
    assert "not followed" in redirected["last_error"]
    assert redirected["next_attempt_at"] is not None
    assert not [r for r in receiver.received if r[0] == "/target"]


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_a_delivered_webhook_is_sent_again_on_request_with_the_same_id(
    open_client: Client, receiver: Receiver, make_user: MakeUser
) -> None:
    client = open_client
    me = make_user(client, f"again{next(_emails)}@example.com")
    other = make_user(client, f"nosy{next(_emails)}@example.com")
    base = f"http://127.0.0.1:{receiver.port}"
    hook = register(client, me, url=f"{base}/hook").json()
    moved = register(client, me, url=f"{base}/moved").json()
    quest = client.post("/api/v1/quests", json={"title": "Send it twice"}, headers=me).json()
    assert client.post(f"/api/v1/quests/{quest['id']}/complete", headers=me).status_code == 200

    def log_of(endpoint: dict[str, Any]) -> list[Any]:
        answer = client.get(f"{W}/{endpoint['id']}/deliveries", headers=me)
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    def arrived() -> list[Any]:
        return [r for r in receiver.received if r[0] == "/hook"]

    wait_for(arrived)
    [delivery] = wait_for(lambda: [d for d in log_of(hook) if d["status"] == "delivered"])
    again = f"{W}/{hook['id']}/deliveries/{delivery['id']}/redeliver"

    # another player's endpoint and delivery are not found; a waiting delivery is a conflict
    assert client.post(again, headers=other).status_code == 404
    [waiting] = wait_for(lambda: [d for d in log_of(moved) if d["attempts"] >= 1])
    assert waiting["status"] == "pending"
    refused = client.post(f"{W}/{moved['id']}/deliveries/{waiting['id']}/redeliver", headers=me)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)

    queued = client.post(again, headers=me)
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "pending"
    assert queued.json()["webhook_id"] == delivery["webhook_id"]

    [first, second] = wait_for(lambda: arrived() if len(arrived()) == 2 else [])
    assert second[1]["webhook-id"] == first[1]["webhook-id"] == delivery["webhook_id"]
    assert second[2] == first[2]  # the same event, byte for byte
    verify(hook["secret"], second[1], second[2])
    [sent_again] = wait_for(lambda: [d for d in log_of(hook) if d["status"] == "delivered"])
    assert [a["status_code"] for a in sent_again["attempt_log"]] == [200, 200]
