"""The web client's pages in-process: sessions in cookies, CSRF, and one player never reaching
another's quests through a page (the browser tests in tests/e2e cover the screens themselves)."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from apps.gateway import create_app
from apps.settings import Settings

from .conftest import PASSWORD, cheap_hasher

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf(client: TestClient[Litestar], path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = CSRF_FIELD.search(page.text)
    assert found, "every form carries the CSRF token"
    return found.group(1)


def sign_up(client: TestClient[Litestar], email: str) -> None:
    token = csrf(client, "/signup")
    answer = client.post(
        "/signup",
        data={
            "_csrf_token": token,
            "display_name": email.split("@")[0],
            "email": email,
            "password": PASSWORD,
            "timezone": "UTC",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"


def cookie_attributes(headers: Any, name: str) -> dict[str, str]:
    for raw in headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(raw)
        if name in parsed:
            morsel = parsed[name]
            return {key: str(morsel[key]) for key in morsel if morsel[key]} | {
                "value": morsel.value
            }
    raise AssertionError(f"no Set-Cookie for {name}")


def test_a_signed_out_browser_is_sent_to_sign_in_and_back(client: TestClient[Litestar]) -> None:
    answer = client.get("/achievements", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fachievements"
    page = client.get("/login?next=%2Fachievements")
    assert 'name="next" value="/achievements"' in page.text


def test_a_form_without_its_csrf_token_is_refused(client: TestClient[Litestar]) -> None:
    sign_up(client, "csrf@example.com")
    refused = client.post("/quests/new", data={"title": "Forged"}, follow_redirects=False)
    assert refused.status_code == 403
    forged = client.post(
        "/quests/new", data={"title": "Forged", "_csrf_token": "0" * 128}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert "Forged" not in client.get("/").text, "nothing was created"


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/insights", "/insights"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("/\\elsewhere.example", "/"),
    ],
)
def test_signing_in_returns_only_to_a_page_of_this_site(
    client: TestClient[Litestar], target: str, landing: str
) -> None:
    sign_up(client, "next@example.com")
    client.cookies.clear()
    token = csrf(client)
    answer = client.post(
        "/login",
        data={
            "_csrf_token": token,
            "email": "next@example.com",
            "password": PASSWORD,
            "next": target,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == landing


def test_a_wrong_password_shows_the_form_again(client: TestClient[Litestar]) -> None:
    token = csrf(client)
    answer = client.post(
        "/login",
        data={"_csrf_token": token, "email": "nobody@example.com", "password": "not it at all"},
    )
    assert answer.status_code == 401
    assert "do not match an account" in answer.text
    assert 'value="nobody@example.com"' in answer.text


def test_session_cookies_are_http_only_lax_and_secure_over_https(tmp_path: Any) -> None:
    settings = Settings(
        database_url="memory://",
        environment="test",
        public_url="https://questlog.example",
        jwt_private_key_path=str(tmp_path / "key.pem"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
    )
    app = create_app(settings)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url="https://questlog.example") as client:
        token = csrf(client, "/signup")
        answer = client.post(
            "/signup",
            data={
                "_csrf_token": token,
                "display_name": "Sec",
                "email": "sec@example.com",
                "password": PASSWORD,
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303
        for name in ("ql_access", "ql_refresh"):
            attributes = cookie_attributes(answer.headers, name)
            assert attributes["httponly"] is not None
            assert attributes["secure"]
            assert attributes["samesite"].lower() == "lax"
            assert attributes["path"] == "/"


def test_an_expired_access_cookie_is_renewed_from_the_refresh_cookie(
    client: TestClient[Litestar],
) -> None:
    sign_up(client, "renew@example.com")
    client.cookies.set("ql_access", "expired-or-forged")
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 200
    renewed = cookie_attributes(page.headers, "ql_access")["value"]
    assert renewed
    assert renewed != "expired-or-forged"
    client.cookies.set("ql_refresh", "qlr_not-a-real-one")
    client.cookies.set("ql_access", "expired-or-forged")
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def _signed_in_jar(client: TestClient[Litestar], email: str) -> httpx.Cookies:
    """Sign a new player up in ``client`` and keep that browser's cookies."""
    client.cookies = httpx.Cookies()
    sign_up(client, email)
    return httpx.Cookies(client.cookies)


def test_one_player_never_reaches_anothers_quest_through_a_page(
    client: TestClient[Litestar],
) -> None:
    owner = _signed_in_jar(client, "owner@example.com")
    intruder = _signed_in_jar(client, "intruder@example.com")

    client.cookies = owner
    token = csrf(client, "/quests/new")
    client.post("/quests/new", data={"_csrf_token": token, "title": "Private plans"})
    found = re.search(r"/quests/([0-9a-f-]{36})/edit", client.get("/").text)
    assert found
    qid = found.group(1)

    client.cookies = intruder
    stolen = csrf(client, "/")
    for path in (f"/quests/{qid}/edit", f"/quests/{qid}/breakdown"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert "Private plans" not in answer.text
    client.post(f"/quests/{qid}/complete", data={"_csrf_token": stolen}, follow_redirects=False)
    client.post(
        f"/quests/{qid}/edit",
        data={"_csrf_token": stolen, "title": "Defaced", "timezone": "UTC"},
        follow_redirects=False,
    )
    client.post(
        f"/quests/{qid}/breakdown",
        data={"_csrf_token": stolen, "steps": "1", "title_0": "Planted"},
        follow_redirects=False,
    )
    assert "Private plans" not in client.get("/").text

    client.cookies = owner
    mine = client.get("/").text
    assert "Private plans" in mine
    assert "Defaced" not in mine
    assert "Planted" not in mine
    assert "Quest complete" not in mine


def test_the_api_docs_load_their_assets_from_this_server(client: TestClient[Litestar]) -> None:
    page = client.get("/schema")
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)=["']([^"']+)""", page.text)
    assert sources
    assert all(source.startswith("/") for source in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_pages_forbid_framing_and_foreign_scripts(client: TestClient[Litestar]) -> None:
    page = client.get("/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"


def test_a_refused_form_shows_a_page_to_a_browser(client: TestClient[Litestar]) -> None:
    answer = client.post("/quests/new", data={"title": "Forged"}, headers={"accept": "text/html"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "This form has expired" in answer.text
