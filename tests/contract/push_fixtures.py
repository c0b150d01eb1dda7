"""Fake push services at the HTTP transport, shaped like the real ones, for the push suites.

* Google: the OAuth2 token endpoint (reached by google-auth through ``requests``, faked with
  ``responses``) checks the JWT assertion against the service account's public key; FCM's
  ``messages:send`` (httpx, faked with ``respx``) checks the bearer token and answers with
  FCM's documented bodies (``UNREGISTERED`` for a token it does not know).
* A Web Push service (``respx``): checks the VAPID JWT with the key in the header, decrypts the
  RFC 8291 payload with the subscription's private key, answers 201 with a ``Location``, and
  410 Gone for a subscription that was dropped.

``PushCase`` gives every adapter the same handles: a device token, a token the service has
forgotten, what arrived, and a way to make the service briefly unavailable.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import http_ece
import httpx
import jwt
import pytest
import responses
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from py_vapid import Vapid

from adapters.memory.push import InMemoryPushSender
from adapters.push.fcm import FCM_SCOPE, FcmPushSender
from adapters.push.log import LogPushSender
from adapters.push.webpush import WebPushSender
from questlog_core.ports.platform import PushSender

PROJECT = "questlog-test"
TOKEN_URI = "https://oauth2.googleapis.com/token"
FCM_SEND = f"https://fcm.googleapis.com/v1/projects/{PROJECT}/messages:send"
PUSH_HOST = "https://push.example.net"
VAPID_SUBJECT = "mailto:ops@questlog.test"


@dataclass(frozen=True)
class Delivered:
    """One message as the device would see it (the token cut to the prefix every sender logs)."""

    token_prefix: str
    title: str
    body: str
    data: dict[str, str]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- Google: token endpoint + FCM ---------------------------------------------------------------


_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_info(project_id: str | None = PROJECT) -> dict[str, Any]:
    """A service-account key shaped like the JSON the Firebase console downloads."""
    pem = _RSA_KEY.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info: dict[str, Any] = {
        "type": "service_account",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": f"push@{project_id or 'none'}.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": TOKEN_URI,
    }
    if project_id is not None:
        info["project_id"] = project_id
    return info


@dataclass
class FakeGoogle:
    """The token endpoint and FCM: ``scripted`` answers go first, then FCM's normal behaviour."""

    registered: set[str] = field(default_factory=set)
    issued: list[str] = field(default_factory=list)
    assertions: list[dict[str, Any]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    inbox: list[Delivered] = field(default_factory=list)
    scripted: list[httpx.Response | Exception] = field(default_factory=list)
    token_lifetime: int = 3600
    token_error: tuple[int, dict[str, str]] | None = None
    token_failure: Exception | None = None
    token_timeouts: list[object] = field(default_factory=list)

    def token_endpoint(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.token_timeouts.append(request.req_kwargs.get("timeout"))
        if self.token_failure is not None:
            raise self.token_failure
        form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        claims = jwt.decode(
            form["assertion"][0], _RSA_KEY.public_key(), algorithms=["RS256"], audience=TOKEN_URI
        )
        self.assertions.append(claims)
        if self.token_error is not None:
            status, body = self.token_error
            return status, {"Content-Type": "application/json"}, json.dumps(body)
        token = f"ya29.fake-{len(self.issued) + 1}"
        self.issued.append(token)
        body = {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def fcm(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.scripted:
            answer = self.scripted.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        if request.headers.get("Authorization") != f"Bearer {self.issued[-1]}":
            return fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication.")
        message = json.loads(request.content)["message"]
        if message["token"] not in self.registered:
            return fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
        note = message["notification"]
        self.inbox.append(
            Delivered(message["token"][:12], note["title"], note["body"], message["data"])
        )
        return httpx.Response(200, json={"name": f"projects/{PROJECT}/messages/{len(self.inbox)}"})


def fcm_error(
    status: int,
    grpc_status: str,
    message: str,
    fcm_code: str | None = None,
    *,
    field_violation: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An FCM HTTP v1 error body as documented (error.code/message/status/details)."""
    details: list[dict[str, Any]] = []
    if fcm_code is not None:
        details.append(
            {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}
        )
    if field_violation is not None:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field_violation, "description": message}],
            }
        )
    error = {"code": status, "message": message, "status": grpc_status, "details": details}
    return httpx.Response(status, json={"error": error}, headers=headers)


@pytest.fixture
def google() -> Iterator[tuple[FakeGoogle, respx.MockRouter]]:
    fake = FakeGoogle()
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as token_mock,
        respx.mock(assert_all_called=False) as router,
    ):
        token_mock.add_callback(responses.POST, TOKEN_URI, callback=fake.token_endpoint)
        router.post(FCM_SEND).mock(side_effect=fake.fcm)
        yield fake, router


def fcm_sender(**kwargs: Any) -> FcmPushSender:
    return FcmPushSender.from_service_account_info(service_account_info(), **kwargs)


# -- Web Push -------------------------------------------------------------------------------


@dataclass
class Subscriber:
    """A browser's subscription: its private ECDH key and auth secret stay with the browser."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey
    auth: bytes

    @classmethod
    def new(cls, name: str) -> Subscriber:
        key = ec.generate_private_key(ec.SECP256R1())
        return cls(f"{PUSH_HOST}/wpush/v2/{name}", key, os.urandom(16))

    @property
    def token(self) -> str:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": _b64(public), "auth": _b64(self.auth)}
        return json.dumps({"endpoint": self.endpoint, "expirationTime": None, "keys": keys})


@dataclass
class FakePushService:
    vapid_public_key: str
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    inbox: list[Delivered] = field(default_factory=list)
    scripted: list[httpx.Response | Exception] = field(default_factory=list)

    def subscribe(self, name: str) -> str:
        subscriber = Subscriber.new(name)
        self.subscribers[subscriber.endpoint] = subscriber
        return subscriber.token

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.scripted:
            answer = self.scripted.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        scheme, _, params = request.headers["Authorization"].partition(" ")
        assert scheme == "vapid"
        parts = dict(p.split("=", 1) for p in params.split(","))
        assert parts["k"] == self.vapid_public_key, "signed with another application server key"
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(parts["k"]))
        claims = jwt.decode(parts["t"], public, algorithms=["ES256"], audience=PUSH_HOST)
        self.claims.append(claims)
        subscriber = self.subscribers.get(str(request.url))
        if subscriber is None:
            return httpx.Response(410, text="push subscription has unsubscribed or expired.")
        assert request.headers["Content-Encoding"] == "aes128gcm"
        assert int(request.headers["TTL"]) >= 0
        plain = http_ece.decrypt(
            request.content,
            private_key=subscriber.key,
            auth_secret=subscriber.auth,
            version="aes128gcm",
        )
        shown = json.loads(plain)
        token = subscriber.token
        self.inbox.append(Delivered(token[:12], shown["title"], shown["body"], shown["data"]))
        return httpx.Response(
            201, headers={"Location": f"{PUSH_HOST}/m/{len(self.inbox)}", "TTL": "60"}
        )


VAPID_KEY = Vapid()
VAPID_KEY.generate_keys()


def vapid_private_pem() -> str:
    return str(VAPID_KEY.private_pem().decode())


@pytest.fixture
def push_service() -> Iterator[tuple[FakePushService, WebPushSender, respx.MockRouter]]:
    sender = WebPushSender(VAPID_KEY, VAPID_SUBJECT)
    fake = FakePushService(sender.application_server_key)
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=PUSH_HOST).mock(side_effect=fake.handle)
        yield fake, sender, router


# -- the contract's view of every adapter ----------------------------------------------------


@dataclass
class PushCase:
    name: str
    sender: PushSender
    #: a token that reaches a device (a new one per call)
    token: Callable[[], str]
    #: a token the service has forgotten (the app uninstalled); ``None``: cannot be rejected
    gone_token: Callable[[], str] | None
    delivered: Callable[[], list[Delivered]]
    #: make the next send meet a 503 with ``Retry-After``; ``None``: nothing can be down
    outage: Callable[[int], None] | None


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(params=["memory", "log", "fcm", "webpush"])
async def push_case(request: pytest.FixtureRequest) -> AsyncIterator[PushCase]:
    """Every adapter of the port."""
    async for case in _case(request, request.param):
        yield case


@pytest.fixture(params=["memory", "fcm", "webpush"])
async def delivering_case(request: pytest.FixtureRequest) -> AsyncIterator[PushCase]:
    """The adapters that hand messages to a push service (all but the log sender)."""
    async for case in _case(request, request.param):
        yield case


async def _case(request: pytest.FixtureRequest, name: str) -> AsyncIterator[PushCase]:
    counter = iter(range(1, 10_000))
    if name == "memory":
        memory = InMemoryPushSender()

        def memory_gone() -> str:
            token = f"gone-device-{next(counter)}"
            memory.reject(token)
            return token

        yield PushCase(
            "memory",
            memory,
            lambda: f"memory-device-{next(counter)}",
            memory_gone,
            lambda: [Delivered(m.device_token[:12], m.title, m.body, m.data) for m in memory.sent],
            lambda seconds: memory.fail_next(retry_after_seconds=seconds),
        )
    elif name == "log":
        logger = logging.getLogger(f"questlog.push.test.{id(request)}")
        logger.setLevel(logging.INFO)
        logger.propagate = False
        handler = _Records()
        logger.addHandler(handler)

        def logged() -> list[Delivered]:
            out = []
            for record in handler.records:
                _, prefix, title, body, data = record.args  # type: ignore[misc]
                out.append(Delivered(prefix, title, body, data or {}))
            return out

        yield PushCase(
            "log", LogPushSender(logger), lambda: f"log-device-{next(counter)}", None, logged, None
        )
        logger.removeHandler(handler)
    elif name == "fcm":
        google_fixture = request.getfixturevalue("google")
        fake, _ = google_fixture

        def fcm_token() -> str:
            token = f"fcm-device-{next(counter)}:APA91b" + "x" * 140
            fake.registered.add(token)
            return token

        def fcm_outage(seconds: int) -> None:
            fake.scripted.append(
                fcm_error(
                    503,
                    "UNAVAILABLE",
                    "The service is currently unavailable.",
                    "UNAVAILABLE",
                    headers={"Retry-After": str(seconds)},
                )
            )

        sender = fcm_sender()
        yield PushCase(
            "fcm",
            sender,
            fcm_token,
            lambda: f"fcm-uninstalled-{next(counter)}:APA91b" + "y" * 140,
            lambda: list(fake.inbox),
            fcm_outage,
        )
        await sender.aclose()
    else:
        service, web_sender, _ = request.getfixturevalue("push_service")

        def web_outage(seconds: int) -> None:
            service.scripted.append(httpx.Response(503, headers={"Retry-After": str(seconds)}))

        yield PushCase(
            "webpush",
            web_sender,
            lambda: service.subscribe(f"device-{next(counter)}"),
            lambda: Subscriber.new(f"dropped-{next(counter)}").token,
            lambda: list(service.inbox),
            web_outage,
        )
        await web_sender.aclose()


__all__ = [
    "FCM_SCOPE",
    "FCM_SEND",
    "PROJECT",
    "PUSH_HOST",
    "TOKEN_URI",
    "VAPID_KEY",
    "VAPID_SUBJECT",
    "Delivered",
    "FakeGoogle",
    "FakePushService",
    "PushCase",
    "Subscriber",
    "delivering_case",
    "fcm_error",
    "fcm_sender",
    "google",
    "push_case",
    "push_service",
    "service_account_info",
    "vapid_private_pem",
]
