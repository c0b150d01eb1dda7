"""Two-step sign-in (TOTP) over HTTP, as a user with an authenticator app meets it: enrol,
confirm, a sign-in that needs a code, wrong and replayed codes, recovery codes, turning it off,
and one account never touching another's enrolment."""

from __future__ import annotations

import base64
import itertools
import re
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
from apps.auth.controllers import DEVICE_COOKIE
from apps.web.session import ACCESS_COOKIE
from questlog_core.identity.second_factor import hotp, time_step

from .conftest import BASE_URL, ON_EVERY_DATABASE, PASSWORD, cheap_hasher
from .test_web_pages import csrf

Client = TestClient[Litestar]
LOGIN = "/api/v1/auth/login"
SECOND_STEP = "/api/v1/auth/login/totp"
TOTP = "/api/v1/auth/totp"
_numbers = itertools.count(1)


@pytest.fixture
def clock() -> FixedClock:
    # the middle of a step, so "the next step" is 30 s away whatever the test does in between
    now = datetime.now(UTC).replace(microsecond=0)
    return FixedClock(now - timedelta(seconds=now.second % 30) + timedelta(seconds=10))


@pytest.fixture
def client(app: Litestar, clock: FixedClock) -> Iterator[Client]:
    app.state.container.clock.override(providers.Object(clock))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as test_client:
        yield test_client


class Account:
    """A registered user and the authenticator app they added (once enrolled)."""

    def __init__(self, client: Client, clock: FixedClock) -> None:
        self.client = client
        self.clock = clock
        self.email = f"two-step{next(_numbers)}@example.com"
        answer = client.post(
            "/api/v1/auth/register",
            json={"email": self.email, "password": PASSWORD, "display_name": "Two Step"},
        )
        assert answer.status_code == 202, answer.text
        self.headers = self.sign_in_with_password_only()
        self.secret = b""

    def password_step(self) -> httpx.Response:
        self.client.cookies.clear()
        return self.client.post(LOGIN, json={"email": self.email, "password": PASSWORD})

    def sign_in_with_password_only(self) -> dict[str, str]:
        answer = self.password_step()
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def code(self, steps_ahead: int = 0) -> str:
        """What the app shows now (or ``steps_ahead`` steps later)."""
        return hotp(self.secret, time_step(self.clock.now()) + steps_ahead)

    def enrol(self) -> dict[str, Any]:
        answer = self.client.post(f"{TOTP}/enrol", headers=self.headers)
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        padded = body["secret"] + "=" * (-len(body["secret"]) % 8)
        self.secret = base64.b32decode(padded)
        return body

    def turn_on(self) -> list[str]:
        self.enrol()
        answer = self.client.post(
            f"{TOTP}/confirm", json={"code": self.code()}, headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        codes: list[str] = answer.json()["codes"]
        return codes

    def challenge(self) -> str:
        answer = self.password_step()
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["second_factor_required"] is True
        assert "access_token" not in body
        assert "refresh_token" not in body
        assert DEVICE_COOKIE not in answer.cookies
        challenge: str = body["challenge"]
        return challenge

    def second_step(self, **proof: str) -> httpx.Response:
        return self.client.post(SECOND_STEP, json=proof)


@pytest.fixture
def account(client: Client, clock: FixedClock) -> Account:
    return Account(client, clock)


def _problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_enrol_confirm_and_sign_in_with_a_code(account: Account, clock: FixedClock) -> None:
    enrolment = account.enrol()
    uri = urlsplit(enrolment["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == f"/Questlog:{account.email}"
    query = parse_qs(uri.query)
    assert query["secret"] == [enrolment["secret"]]
    assert query["issuer"] == ["Questlog"]
    assert (query["digits"], query["period"]) == (["6"], ["30"])
    # not active before it is confirmed: the password alone still signs in
    assert "access_token" in account.password_step().json()
    status = account.client.get(TOTP, headers=account.headers).json()
    assert status == {
        "enabled": False,
        "pending": True,
        "enabled_at": None,
        "recovery_codes_left": 0,
    }

    confirmed = account.client.post(
        f"{TOTP}/confirm", json={"code": account.code()}, headers=account.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    status = account.client.get(TOTP, headers=account.headers).json()
    assert status["enabled"] is True
    assert status["recovery_codes_left"] == 10

    challenge = account.challenge()
    # the confirming code's step is spent: the app's next code signs in
    clock.advance(timedelta(seconds=30))
    signed = account.second_step(challenge=challenge, code=account.code())
    assert signed.status_code == 200, signed.text
    tokens = signed.json()
    assert tokens["access_token"]
    assert tokens["refresh_token"]
    assert DEVICE_COOKIE in signed.cookies
    profile = account.client.get(
        "/api/v1/auth/profile", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert profile.status_code == 200
    assert profile.json()["email"] == account.email


def test_a_wrong_code_is_a_401_problem_and_the_right_one_still_works(account: Account) -> None:
    account.turn_on()
    challenge = account.challenge()
    wrong = str((int(account.code(1)) + 1) % 1_000_000).zfill(6)
    problem = _problem(account.second_step(challenge=challenge, code=wrong), 401)
    assert "code" in problem["detail"]
    assert account.second_step(challenge=challenge, code=account.code(1)).status_code == 200


def test_a_code_is_accepted_once(account: Account) -> None:
    account.turn_on()
    code = account.code(1)
    assert account.second_step(challenge=account.challenge(), code=code).status_code == 200
    _problem(account.second_step(challenge=account.challenge(), code=code), 401)
    # and an older code of the window is no good after a later one was used
    _problem(account.second_step(challenge=account.challenge(), code=account.code(-1)), 401)


def test_a_challenge_is_single_use_and_expires(account: Account, clock: FixedClock) -> None:
    account.turn_on()
    challenge = account.challenge()
    assert account.second_step(challenge=challenge, code=account.code(1)).status_code == 200
    clock.advance(timedelta(seconds=30))
    _problem(account.second_step(challenge=challenge, code=account.code(1)), 401)
    late = account.challenge()
    clock.advance(timedelta(minutes=6))
    _problem(account.second_step(challenge=late, code=account.code()), 401)
    _problem(account.second_step(challenge="qlc_made-up", code=account.code()), 401)


def test_five_wrong_codes_spend_the_challenge(account: Account) -> None:
    account.turn_on()
    challenge = account.challenge()
    for _ in range(5):
        _problem(account.second_step(challenge=challenge, code="000000"), 401)
    _problem(account.second_step(challenge=challenge, code=account.code(1)), 401)


def test_a_recovery_code_signs_in_once(account: Account) -> None:
    codes = account.turn_on()
    first = codes[0]
    typed = first.upper().replace("-", " ")  # as someone might copy it from paper
    assert (
        account.second_step(challenge=account.challenge(), recovery_code=typed).status_code == 200
    )
    _problem(account.second_step(challenge=account.challenge(), recovery_code=first), 401)
    assert account.client.get(TOTP, headers=account.headers).json()["recovery_codes_left"] == 9
    assert (
        account.second_step(challenge=account.challenge(), recovery_code=codes[1]).status_code
        == 200
    )


def test_new_recovery_codes_replace_the_old_ones(account: Account) -> None:
    off = account.client.post(
        f"{TOTP}/recovery-codes", json={"code": "123456"}, headers=account.headers
    )
    _problem(off, 409)  # two-step sign-in is not on yet
    old = account.turn_on()
    wrong = account.client.post(
        f"{TOTP}/recovery-codes", json={"code": account.code()}, headers=account.headers
    )
    _problem(wrong, 401)  # the confirming code's step was spent: a replay

    answer = account.client.post(
        f"{TOTP}/recovery-codes", json={"code": account.code(1)}, headers=account.headers
    )

    assert answer.status_code == 200, answer.text
    new: list[str] = answer.json()["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert account.client.get(TOTP, headers=account.headers).json()["recovery_codes_left"] == 10
    _problem(account.second_step(challenge=account.challenge(), recovery_code=old[0]), 401)
    assert (
        account.second_step(challenge=account.challenge(), recovery_code=new[0]).status_code == 200
    )


def test_the_second_step_needs_exactly_one_proof(account: Account) -> None:
    codes = account.turn_on()
    challenge = account.challenge()
    _problem(account.second_step(challenge=challenge), 422)
    _problem(
        account.second_step(challenge=challenge, code=account.code(1), recovery_code=codes[0]),
        422,
    )
    _problem(account.second_step(challenge=challenge, code="12ab56"), 422)


def test_wrong_codes_count_toward_the_sign_in_lockout(app: Litestar, account: Account) -> None:
    auth = app.state.container.auth_service()
    # a small account budget, so the test reaches it quickly
    auth.settings = type(auth.settings)(login_attempts_per_account=3)
    account.turn_on()
    challenges = [account.challenge() for _ in range(4)]
    for challenge in challenges[:3]:
        _problem(account.second_step(challenge=challenge, code="000000"), 401)
    # over the budget: refused before the code is looked at, even the right one...
    _problem(account.second_step(challenge=challenges[3], code=account.code(1)), 429)
    # ...and the account is locked for password sign-ins too, as after wrong passwords
    _problem(account.password_step(), 429)


def test_a_wrong_confirming_code_leaves_two_step_sign_in_off(account: Account) -> None:
    account.enrol()
    answer = account.client.post(
        f"{TOTP}/confirm", json={"code": "000000"}, headers=account.headers
    )
    problem = _problem(answer, 422)
    assert problem["detail"].startswith("code")
    assert "access_token" in account.password_step().json()


def test_enrolling_twice_while_on_is_a_conflict(account: Account) -> None:
    account.turn_on()
    _problem(account.client.post(f"{TOTP}/enrol", headers=account.headers), 409)


def test_one_user_cannot_confirm_or_turn_off_anothers(client: Client, clock: FixedClock) -> None:
    alice = Account(client, clock)
    bob = Account(client, clock)
    alice.enrol()
    # Bob confirming with Alice's code confirms nothing of Alice's: he has no enrolment
    answer = client.post(f"{TOTP}/confirm", json={"code": alice.code()}, headers=bob.headers)
    assert _problem(answer, 409)["type"].endswith("/no-enrolment-waiting")
    assert client.get(TOTP, headers=alice.headers).json()["pending"] is True
    assert client.get(TOTP, headers=bob.headers).json()["pending"] is False
    # once Alice is on, Bob's disable (with Alice's code) leaves Alice's factor alone
    confirmed = client.post(f"{TOTP}/confirm", json={"code": alice.code()}, headers=alice.headers)
    assert confirmed.status_code == 200
    gone = client.request("DELETE", TOTP, json={"code": alice.code(1)}, headers=bob.headers)
    assert gone.status_code == 204
    assert client.get(TOTP, headers=alice.headers).json()["enabled"] is True
    alice.challenge()


def test_turning_it_off_needs_a_proof(account: Account) -> None:
    codes = account.turn_on()
    _problem(account.client.request("DELETE", TOTP, json={}, headers=account.headers), 422)
    wrong = account.client.request(
        "DELETE", TOTP, json={"password": "not the password"}, headers=account.headers
    )
    _problem(wrong, 401)
    off = account.client.request(
        "DELETE", TOTP, json={"recovery_code": codes[3]}, headers=account.headers
    )
    assert off.status_code == 204, off.text
    assert "access_token" in account.password_step().json()
    assert account.client.get(TOTP, headers=account.headers).json() == {
        "enabled": False,
        "pending": False,
        "enabled_at": None,
        "recovery_codes_left": 0,
    }


def test_turning_it_off_with_the_password(account: Account) -> None:
    account.turn_on()
    off = account.client.request(
        "DELETE", TOTP, json={"password": PASSWORD}, headers=account.headers
    )
    assert off.status_code == 204, off.text
    assert "access_token" in account.password_step().json()


def test_personal_api_tokens_cannot_change_it_and_keep_working(account: Account) -> None:
    made = account.client.post(
        "/api/v1/auth/tokens",
        json={"name": "script", "scopes": ["profile:read", "second-factor:manage"]},
        headers=account.headers,
    )
    assert made.status_code == 201, made.text
    api = {"Authorization": f"Bearer {made.json()['token']}"}
    _problem(account.client.post(f"{TOTP}/enrol", headers=api), 401)
    account.turn_on()
    # the API token made before is unaffected by two-step sign-in
    assert account.client.get("/api/v1/auth/profile", headers=api).status_code == 200


# -- the web client's sign-in page ---------------------------------------------------------------


def _web_password_step(account: Account) -> httpx.Response:
    account.client.cookies.clear()
    token = csrf(account.client)
    return account.client.post(
        "/login",
        data={"_csrf_token": token, "email": account.email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )


def _web_code_step(account: Account, page: httpx.Response, typed: str) -> httpx.Response:
    fields = dict(re.findall(r'name="(_csrf_token|challenge|next)" value="([^"]*)"', page.text))
    return account.client.post(
        "/login/code", data={**fields, "code": typed}, follow_redirects=False
    )


def test_the_sign_in_page_asks_for_the_code_then_signs_in(account: Account) -> None:
    codes = account.turn_on()
    page = _web_password_step(account)
    assert page.status_code == 200, page.text
    assert 'name="code"' in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert ACCESS_COOKIE not in page.headers.get("set-cookie", "")

    wrong = _web_code_step(account, page, "000000")
    assert wrong.status_code == 401
    assert "not right" in wrong.text

    signed = _web_code_step(account, wrong, account.code(1))
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == "/"
    assert any(c.startswith(f"{ACCESS_COOKIE}=") for c in signed.headers.get_list("set-cookie"))

    # a recovery code works on the same field
    again = _web_code_step(account, _web_password_step(account), codes[0])
    assert again.status_code == 303, again.text
