"""The browser's sign-in: API tokens kept in httpOnly cookies, refreshed when the access expires.

The access token lives in ``ql_access`` and the refresh token in ``ql_refresh``: httpOnly (no
script can read them), ``SameSite=Lax`` (not sent with cross-site form posts or sub-requests),
``Secure`` when the site is served over https, path ``/``. A page that meets a 401 trades the
refresh token once (``POST /api/v1/auth/refresh``) and retries; without a usable token the
page raises :class:`SignedOut`, which sends the browser to ``/login``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.datastructures import Cookie

from apps.web.api import ApiAnswer, ApiClient

ACCESS_COOKIE = "ql_access"
REFRESH_COOKIE = "ql_refresh"


class SignedOut(Exception):
    """The browser has no usable session: the page sends it to ``/login``."""

    def __init__(self, next_path: str = "/") -> None:
        super().__init__(next_path)
        self.next_path = next_path


def secure_cookies(request: Request[Any, Any, Any]) -> bool:
    """``Secure`` cookies when this request came over https or the public URL is https."""
    settings = request.app.state.settings
    forwarded = request.headers.get("x-forwarded-proto", "")
    return (
        request.url.scheme == "https"
        or forwarded == "https"
        or str(settings.public_url).startswith("https://")
    )


def token_cookies(request: Request[Any, Any, Any], pair: dict[str, Any]) -> list[Cookie]:
    """The two cookies for a token pair (``TokenPair`` as the auth API answers it)."""
    secure = secure_cookies(request)
    refresh_until = datetime.fromisoformat(str(pair["refresh_expires_at"]))
    refresh_age = max(int((refresh_until - datetime.now(UTC)).total_seconds()), 0)
    return [
        Cookie(
            key=ACCESS_COOKIE,
            value=str(pair["access_token"]),
            max_age=int(pair["expires_in"]),
            path="/",
            httponly=True,
            secure=secure,
            samesite="lax",
        ),
        Cookie(
            key=REFRESH_COOKIE,
            value=str(pair["refresh_token"]),
            max_age=refresh_age,
            path="/",
            httponly=True,
            secure=secure,
            samesite="lax",
        ),
    ]


def cleared_cookies(request: Request[Any, Any, Any]) -> list[Cookie]:
    """Cookies that delete both tokens."""
    secure = secure_cookies(request)
    return [
        Cookie(key=name, value="", max_age=0, path="/", httponly=True, secure=secure)
        for name in (ACCESS_COOKIE, REFRESH_COOKIE)
    ]


class Visit:
    """One page request of a signed-in browser: API calls with its token, refreshed once."""

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        self.request = request
        self.api = ApiClient(request, request.cookies.get(ACCESS_COOKIE))
        #: cookies the response must set (a refreshed token pair)
        self.cookies: list[Cookie] = []
        self._refreshed = False
        # Calls made side by side that meet the same expired token refresh it once.
        self._refreshing = asyncio.Lock()

    def _signed_out(self) -> SignedOut:
        path = self.request.url.path
        if self.request.method != "GET":
            path = "/"
        elif self.request.url.query:
            path = f"{path}?{self.request.url.query}"
        return SignedOut(path)

    async def _refresh(self, stale: str | None) -> bool:
        """Trade the refresh cookie for a new pair once; ``True`` when a token newer than
        ``stale`` (the one that was refused) is now in use."""
        async with self._refreshing:
            if self.api.token != stale:
                return True
            refresh = self.request.cookies.get(REFRESH_COOKIE)
            if self._refreshed or not refresh:
                return False
            self._refreshed = True
            answer = await self.api.call(
                "POST", "/api/v1/auth/refresh", json={"refresh_token": refresh}, token=""
            )
            if not answer.ok:
                return False
            self.api.token = str(answer.body["access_token"])
            self.cookies = token_cookies(self.request, answer.body)
            return True

    async def call(self, method: str, path: str, **kwargs: Any) -> ApiAnswer:
        """The API's answer; :class:`SignedOut` when no token of this browser is accepted."""
        if not self.api.token and not await self._refresh(self.api.token):
            raise self._signed_out()
        sent = self.api.token
        answer = await self.api.call(method, path, **kwargs)
        if answer.status == 401 and await self._refresh(sent):
            answer = await self.api.call(method, path, **kwargs)
        if answer.status == 401:
            raise self._signed_out()
        return answer

    async def get(self, path: str, **kwargs: Any) -> ApiAnswer:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> ApiAnswer:
        return await self.call("POST", path, **kwargs)


def login_url(next_path: str) -> str:
    """``/login`` that comes back to ``next_path`` (only a local path) after signing in."""
    if not next_path.startswith("/") or next_path.startswith("//") or next_path == "/":
        return "/login"
    return f"/login?next={quote(next_path, safe='')}"


def safe_next(value: str | None) -> str:
    """A ``next`` target that stays on this site (an absolute or ``//`` URL becomes ``/``)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
