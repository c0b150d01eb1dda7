"""Signing in with an OIDC provider, Google and GitHub, over HTTP on the all-in-one.

The providers are the small local ones of :mod:`tests.support.identity_providers`, reached
through the container's provider HTTP client with its transport stubbed (``MockTransport``):
the whole dance runs (discovery, JWKS, code exchange with the PKCE verifier, ID-token checks)
and only the network is replaced. A test plays the browser: it follows the authorize redirect
to the provider, "consents" there, and comes back to the callback with ``code`` and ``state``.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.memory.clock import FixedClock
from apps.http.problems import PROBLEM_MEDIA_TYPE
from apps.settings import Settings
from questlog_core.events.identity import UserRegistered
from tests.support.identity_providers import Providers

from .conftest import BASE_URL, ON_EVERY_DATABASE, PASSWORD, app_for

Client = TestClient[Litestar]
OAUTH = "/api/v1/auth/oauth"
CALLBACK = f"{BASE_URL}{OAUTH}/{{}}/callback"


@pytest.fixture
def idp() -> Providers:
    return Providers()


@pytest.fixture
def oauth_app(settings: Settings, idp: Providers) -> Litestar:
    app = app_for(settings.replace(**idp.settings()))
    app.state.container.oauth_http.override(providers.Object(idp.client()))
    return app


@pytest.fixture
def client(oauth_app: Litestar) -> Iterator[Client]:
    with TestClient(app=oauth_app, base_url=BASE_URL) as test_client:
        yield test_client


def start(client: Client, provider: str) -> str:
    """GET authorize: the provider URL the browser is sent to."""
    response = client.get(f"{OAUTH}/{provider}/authorize", follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def callback(client: Client, provider: str, query: dict[str, str]) -> httpx.Response:
    return client.get(f"{OAUTH}/{provider}/callback", params=query)


def oidc_sign_in(
    client: Client, idp: Providers, *, sub: str, email: str, verified: bool = True, name: str = ""
) -> httpx.Response:
    url = start(client, "acme")
    query = idp.oidc.consent(url, sub=sub, email=email, email_verified=verified, name=name)
    return callback(client, "acme", query)


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def profile(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/api/v1/auth/profile", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def refused(response: httpx.Response, status: int = 401) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    return body


def register(client: Client, email: str) -> dict[str, str]:
    made = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Owner"},
    )
    assert made.status_code == 202, made.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return bearer(login)


def _email() -> str:
    return f"p-{uuid.uuid4().hex[:10]}@example.com"


# -- the flow ---------------------------------------------------------------------------------


def test_the_configured_providers_are_listed(client: Client) -> None:
    listed = client.get(f"{OAUTH}/providers")
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json()] == ["acme", "github", "google"]
    assert listed.json()[0]["authorize_path"] == f"{OAUTH}/acme/authorize"


def test_without_settings_no_provider_is_offered(settings: Settings) -> None:
    with TestClient(app=app_for(settings), base_url=BASE_URL) as plain:
        assert plain.get(f"{OAUTH}/providers").json() == []
        answer = plain.get(f"{OAUTH}/google/authorize", follow_redirects=False)
        assert refused(answer, 404)["status"] == 404


def test_authorize_redirects_with_state_nonce_and_an_s256_challenge(
    client: Client, idp: Providers
) -> None:
    response = client.get(f"{OAUTH}/acme/authorize", follow_redirects=False)
    assert response.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # BASE64URL(SHA-256), unpadded
    assert len(query["state"]) >= 43
    assert len(query["nonce"]) >= 43
    assert query["redirect_uri"] == CALLBACK.format("acme")
    assert query["scope"] == "openid email profile"
    cookie = response.headers["set-cookie"]
    assert "questlog_oauth=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    # a second start is a different state, nonce and verifier
    again = parse_qs(urlsplit(start(client, "acme")).query)
    assert again["state"][0] != query["state"]
    assert again["code_challenge"][0] != query["code_challenge"]


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_a_new_person_gets_an_account_and_the_same_identity_signs_in_to_it_again(
    client: Client, idp: Providers
) -> None:
    email = _email()
    first = oidc_sign_in(client, idp, sub="alice-1", email=email, name="Alice Liddell")
    assert idp.oidc.token_requests == 1  # the verifier matched the challenge at the provider
    body = first.json()
    assert body["token_type"] == "Bearer"
    assert body["refresh_token"]
    me = profile(client, bearer(first))
    assert me["email"] == email
    assert me["display_name"] == "Alice Liddell"
    assert "questlog_device" in first.headers.get("set-cookie", "")

    # the address changed at the provider: the subject still names the same account
    second = oidc_sign_in(client, idp, sub="alice-1", email=_email())
    assert profile(client, bearer(second))["id"] == me["id"]
    links = client.get(f"{OAUTH}/links", headers=bearer(second)).json()
    assert [(k["provider"], k["email"]) for k in links] == [("acme", email)]
    # the refresh token works like a password sign-in's
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200


def test_a_verified_address_of_an_account_links_to_it(client: Client, idp: Providers) -> None:
    email = _email()
    owner = register(client, email)
    signed = oidc_sign_in(client, idp, sub="bob-7", email=email.upper())
    assert profile(client, bearer(signed))["id"] == profile(client, owner)["id"]
    # the account has a password, so it may unlink its only provider
    assert client.delete(f"{OAUTH}/links/acme", headers=owner).status_code == 204
    assert client.get(f"{OAUTH}/links", headers=owner).json() == []
    assert refused(client.delete(f"{OAUTH}/links/acme", headers=owner), 404)["status"] == 404


def test_an_unverified_address_cannot_take_over_an_account(client: Client, idp: Providers) -> None:
    victim_email = _email()
    victim = register(client, victim_email)
    attempt = oidc_sign_in(client, idp, sub="mallory", email=victim_email, verified=False)
    problem = refused(attempt)
    assert problem["type"].endswith("/external-sign-in-refused")
    assert "not verified" in problem["detail"]
    assert client.get(f"{OAUTH}/links", headers=victim).json() == []
    # nor can an unverified address make a new account
    assert refused(oidc_sign_in(client, idp, sub="m2", email=_email(), verified=False))
    # the victim's password still opens the account, and nothing else does
    assert profile(client, victim)["email"] == victim_email


def test_the_last_way_to_sign_in_cannot_be_unlinked(client: Client, idp: Providers) -> None:
    headers = bearer(oidc_sign_in(client, idp, sub="carol", email=_email()))
    problem = refused(client.delete(f"{OAUTH}/links/acme", headers=headers), 409)
    assert problem["type"].endswith("/last-sign-in-method")
    assert [k["provider"] for k in client.get(f"{OAUTH}/links", headers=headers).json()] == ["acme"]
    # no password exists to sign in with
    email = profile(client, headers)["email"]
    for guess in ("", "!no-password", PASSWORD):
        login = client.post("/api/v1/auth/login", json={"email": email, "password": guess})
        assert login.status_code in {401, 422}


def test_one_user_cannot_unlink_or_see_another_users_identities(
    client: Client, idp: Providers
) -> None:
    alice = bearer(oidc_sign_in(client, idp, sub="alice-x", email=_email()))
    bob = register(client, _email())
    assert client.get(f"{OAUTH}/links", headers=bob).json() == []
    assert refused(client.delete(f"{OAUTH}/links/acme", headers=bob), 404)
    assert len(client.get(f"{OAUTH}/links", headers=alice).json()) == 1


# -- what is refused ------------------------------------------------------------------------


def test_a_wrong_state_is_refused(client: Client, idp: Providers) -> None:
    query = idp.oidc.consent(start(client, "acme"), sub="s", email=_email())
    problem = refused(callback(client, "acme", {**query, "state": "forged-state"}))
    assert problem["type"].endswith("/external-sign-in-refused")
    assert idp.oidc.token_requests == 0  # never got as far as the provider


def test_a_state_works_once(client: Client, idp: Providers) -> None:
    url = start(client, "acme")
    query = idp.oidc.consent(url, sub="once", email=_email())
    assert callback(client, "acme", query).status_code == 200
    # replayed, even with a fresh code from the provider for the same authorization
    fresh = idp.oidc.consent(url, sub="once", email=_email())
    assert "already used" in refused(callback(client, "acme", fresh))["detail"]


def test_a_callback_in_another_browser_is_refused(client: Client, idp: Providers) -> None:
    query = idp.oidc.consent(start(client, "acme"), sub="csrf", email=_email())
    client.cookies.clear()  # the victim's browser never started this sign-in
    assert "another browser" in refused(callback(client, "acme", query))["detail"]


def test_a_state_expires_after_ten_minutes(
    oauth_app: Litestar, client: Client, idp: Providers
) -> None:
    clock = FixedClock(datetime.now(UTC))
    oauth_app.state.container.clock.override(providers.Object(clock))
    query = idp.oidc.consent(start(client, "acme"), sub="slow", email=_email())
    clock.advance(timedelta(minutes=10, seconds=1))
    refused(callback(client, "acme", query))
    assert idp.oidc.token_requests == 0


def test_a_state_of_one_provider_is_refused_at_another(client: Client, idp: Providers) -> None:
    query = idp.oidc.consent(start(client, "acme"), sub="mix", email=_email())
    assert "another provider" in refused(callback(client, "google", query))["detail"]


def test_a_provider_error_is_a_refusal(client: Client) -> None:
    start(client, "acme")
    answer = callback(client, "acme", {"error": "access_denied", "state": "x"})
    assert "access_denied" in refused(answer)["detail"]
    assert refused(callback(client, "acme", {}), 422)["field"] == "code"


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        ({"nonce": "not-this-sign-ins-nonce"}, "nonce"),
        ({"exp": 1_700_000_000, "iat": 1_699_999_000}, "expired"),
        ({"aud": "someone-else"}, "audience"),
        ({"iss": "https://evil.test"}, "issuer"),
        ({"iat": 4_102_444_800}, "not yet valid"),
    ],
)
def test_a_bad_id_token_is_refused(
    client: Client, idp: Providers, spoil: dict[str, Any], words: str
) -> None:
    email = _email()
    idp.oidc.next_claims = spoil
    problem = refused(oidc_sign_in(client, idp, sub="spoilt", email=email))
    assert words in problem["detail"].lower()
    # and no account was made of it
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401


def test_a_forged_id_token_is_refused(client: Client, idp: Providers) -> None:
    idp.oidc.forge_next = True
    assert (
        "signature" in refused(oidc_sign_in(client, idp, sub="f", email=_email()))["detail"].lower()
    )


def test_a_provider_that_cannot_be_reached_is_a_503(
    oauth_app: Litestar, client: Client, idp: Providers
) -> None:
    idp.oidc.issuer = "https://down.test"  # the transport has no route to the old host now
    answer = client.get(f"{OAUTH}/acme/authorize", follow_redirects=False)
    assert refused(answer, 503)["status"] == 503


# -- Google and GitHub ----------------------------------------------------------------------


def test_google_signs_in_with_its_scheme_less_issuer(client: Client, idp: Providers) -> None:
    url = start(client, "google")
    assert url.startswith("https://accounts.google.com/authorize?")
    email = _email()
    query = idp.google.consent(url, sub="1098765", email=email, name="Gina")
    me = profile(client, bearer(callback(client, "google", query)))
    assert me["email"] == email
    assert me["display_name"] == "Gina"


def github_sign_in(
    client: Client, idp: Providers, *, user_id: int, emails: list[dict[str, Any]]
) -> httpx.Response:
    url = start(client, "github")
    user = {"id": user_id, "login": "octocat", "name": None, "type": "User"}
    return callback(client, "github", idp.github.consent(url, user=user, emails=emails))


def test_github_signs_in_with_the_verified_primary_email(client: Client, idp: Providers) -> None:
    primary = _email()
    emails = [
        {"email": "other@example.org", "primary": False, "verified": True, "visibility": None},
        {"email": primary, "primary": True, "verified": True, "visibility": "private"},
    ]
    me = profile(client, bearer(github_sign_in(client, idp, user_id=583231, emails=emails)))
    assert me["email"] == primary
    assert me["display_name"] == "octocat"
    again = github_sign_in(client, idp, user_id=583231, emails=emails)
    assert profile(client, bearer(again))["id"] == me["id"]


def test_github_with_an_unverified_primary_email_cannot_take_over_an_account(
    client: Client, idp: Providers
) -> None:
    victim_email = _email()
    victim = register(client, victim_email)
    emails = [{"email": victim_email, "primary": True, "verified": False, "visibility": None}]
    refused(github_sign_in(client, idp, user_id=99, emails=emails))
    assert client.get(f"{OAUTH}/links", headers=victim).json() == []


def test_github_refuses_a_bad_code(client: Client, idp: Providers) -> None:
    url = start(client, "github")
    state = parse_qs(urlsplit(url).query)["state"][0]
    problem = refused(callback(client, "github", {"code": "made-up", "state": state}))
    assert "refused" in problem["detail"]


def test_the_verifier_sent_is_the_one_the_challenge_was_made_of(
    client: Client, idp: Providers
) -> None:
    """The provider checks BASE64URL(SHA256(verifier)) == challenge; here it is checked
    independently on the request our adapter sent."""
    seen: list[httpx.Request] = []
    original = idp.oidc.handle

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return original(request)

    idp.oidc.handle = spy  # type: ignore[method-assign]
    url = start(client, "acme")
    challenge = parse_qs(urlsplit(url).query)["code_challenge"][0]
    assert callback(client, "acme", idp.oidc.consent(url, sub="v", email=_email())).is_success
    token_request = next(r for r in seen if r.url.path == "/token")
    verifier = parse_qs(token_request.content.decode())["code_verifier"][0]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
    assert 43 <= len(verifier) <= 128


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_a_new_account_is_announced_like_any_registration(
    oauth_app: Litestar, client: Client, idp: Providers
) -> None:
    """``UserRegistered`` goes to the auth outbox with the account (the other services learn
    of the player from it); linking an existing account announces nothing new."""
    email = _email()
    me = profile(client, bearer(oidc_sign_in(client, idp, sub="new-1", email=email)))
    outbox = oauth_app.state.container.identity_store().outbox
    registered = [e for e in outbox if isinstance(e, UserRegistered)]
    assert [(str(e.owner), e.email) for e in registered] == [(me["id"], email)]
    oidc_sign_in(client, idp, sub="new-1", email=email)
    assert len([e for e in outbox if isinstance(e, UserRegistered)]) == 1


def test_a_provider_sign_in_still_asks_for_the_code_when_two_step_sign_in_is_on(
    client: Client, idp: Providers
) -> None:
    from questlog_core.identity.second_factor import hotp, time_step

    email = _email()
    owner = register(client, email)
    enrolled = client.post("/api/v1/auth/totp/enrol", headers=owner)
    assert enrolled.status_code == 201, enrolled.text
    encoded = enrolled.json()["secret"]
    secret = base64.b32decode(encoded + "=" * (-len(encoded) % 8))
    step = time_step(datetime.now(UTC))
    confirmed = client.post(
        "/api/v1/auth/totp/confirm", json={"code": hotp(secret, step)}, headers=owner
    )
    assert confirmed.status_code == 200, confirmed.text

    client.cookies.clear()
    signed = oidc_sign_in(client, idp, sub="two-step-1", email=email)

    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["second_factor_required"] is True
    assert "access_token" not in body
    finished = client.post(
        "/api/v1/auth/login/totp",
        json={"challenge": body["challenge"], "code": hotp(secret, step + 1)},
    )
    assert profile(client, bearer(finished))["id"] == profile(client, owner)["id"]
