"""Sign up, sign in, sign out, and password recovery (the page the reset email links to)."""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Controller, Request, Response, get, post

from apps.http.permissions import browser_page
from apps.web.api import ApiClient
from apps.web.rendering import render, see_other
from apps.web.session import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    SignedOut,
    Visit,
    cleared_cookies,
    safe_next,
    token_cookies,
)

# Web pages need no bearer token at the edge: the page itself calls the API with the browser's
# token, and the API checks that token's permissions as it does for every client.
PAGE = browser_page()


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


class AccountPages(Controller):
    """The pages a browser reaches before it is signed in."""

    path = "/"

    @get("/login", **PAGE)
    async def login_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        notice = (
            "Your password is changed: sign in with it."
            if "reset" in request.query_params
            else None
        )
        return render(
            request,
            "login.html",
            next=safe_next(request.query_params.get("next")),
            notice=notice,
        )

    @post("/login", **PAGE)
    async def login(self, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await _form(request)
        target = safe_next(form.get("next"))
        answer = await ApiClient(request).post(
            "/api/v1/auth/login",
            json={"email": form.get("email", ""), "password": form.get("password", "")},
        )
        if not answer.ok:
            error = (
                "That email and password do not match an account."
                if answer.status == 401
                else answer.problem()
            )
            return render(
                request,
                "login.html",
                status=answer.status,
                next=target,
                error=error,
                email=form.get("email", ""),
            )
        if isinstance(answer.body, dict) and answer.body.get("second_factor_required"):
            # two-step sign-in: the password was right, the session waits for a code
            return render(
                request,
                "login_code.html",
                next=target,
                challenge=str(answer.body.get("challenge", "")),
            )
        return see_other(target, cookies=token_cookies(request, answer.body))

    @post("/login/code", **PAGE)
    async def login_code(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The second step of a sign-in: a code from the app, or a recovery code (told apart
        by their shapes: six digits, or letters and digits with dashes)."""
        form = await _form(request)
        target = safe_next(form.get("next"))
        challenge = form.get("challenge", "")
        typed = form.get("code", "").strip()
        proof = "code" if typed.replace(" ", "").isdigit() else "recovery_code"
        answer = await ApiClient(request).post(
            "/api/v1/auth/login/totp", json={"challenge": challenge, proof: typed}
        )
        if answer.ok:
            return see_other(target, cookies=token_cookies(request, answer.body))
        if answer.status == 401 and "expired" not in answer.problem():
            # a wrong code: the same challenge may try again (up to its limit)
            return render(
                request,
                "login_code.html",
                status=401,
                next=target,
                challenge=challenge,
                error="That code is not right (or was used already). Try the next one.",
            )
        error = (
            "The sign-in has expired: sign in with your password again."
            if answer.status == 401
            else answer.problem()
        )
        return render(request, "login.html", status=answer.status, next=target, error=error)

    @get("/signup", **PAGE)
    async def signup_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render(request, "signup.html")

    @post("/signup", **PAGE)
    async def signup(self, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await _form(request)
        api = ApiClient(request)
        fields = {
            "email": form.get("email", "").strip(),
            "password": form.get("password", ""),
            "display_name": form.get("display_name", "").strip(),
            "timezone": form.get("timezone", "").strip() or "UTC",
        }
        answer = await api.post("/api/v1/auth/register", json=fields)
        if answer.ok:
            answer = await api.post(
                "/api/v1/auth/login",
                json={"email": fields["email"], "password": fields["password"]},
            )
        if not answer.ok:
            error = (
                "This address cannot be registered (it may already have an account)."
                if answer.status == 401
                else answer.problem()
            )
            return render(request, "signup.html", status=answer.status, error=error, form=fields)
        # The game shows players by the name they chose, not the generated one.
        api.token = str(answer.body["access_token"])
        await api.call(
            "PUT",
            "/api/v1/gamification/settings/display-name",
            json={"display_name": fields["display_name"]},
        )
        await api.call(
            "PUT",
            "/api/v1/gamification/settings/time-zone",
            json={"timezone": fields["timezone"]},
        )
        return see_other("/", cookies=token_cookies(request, answer.body))

    @post("/logout", **PAGE)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        if request.cookies.get(ACCESS_COOKIE) or request.cookies.get(REFRESH_COOKIE):
            visit = Visit(request)
            # This browser signs out whatever the API says (e.g. a session already ended).
            with contextlib.suppress(SignedOut):
                await visit.post("/api/v1/auth/logout")
        response = see_other("/login", cookies=cleared_cookies(request))
        # The offline copy of the today page belongs to this account: drop it.
        response.headers["clear-site-data"] = '"cache", "storage"'
        return response

    @get("/forgot-password", **PAGE)
    async def forgot_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render(request, "forgot.html")

    @post("/forgot-password", **PAGE)
    async def forgot(self, request: Request[Any, Any, Any]) -> Response[str]:
        form = await _form(request)
        answer = await ApiClient(request).post(
            "/api/v1/auth/forgot-password", json={"email": form.get("email", "").strip()}
        )
        if not answer.ok:
            return render(request, "forgot.html", status=answer.status, error=answer.problem())
        return render(request, "forgot.html", notice=answer.body["message"])

    @get("/reset-password", **PAGE)
    async def reset_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        token = request.query_params.get("token", "")
        return render(request, "reset.html", token=token)

    @post("/reset-password", **PAGE)
    async def reset(self, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await _form(request)
        token = form.get("token", "")
        if form.get("new_password", "") != form.get("confirm_password", ""):
            return render(
                request, "reset.html", status=422, token=token, error="The two passwords differ."
            )
        answer = await ApiClient(request).post(
            "/api/v1/auth/reset-password",
            json={"token": token, "new_password": form.get("new_password", "")},
        )
        if not answer.ok:
            return render(
                request, "reset.html", status=answer.status, token=token, error=answer.problem()
            )
        return see_other("/login?reset=1", cookies=cleared_cookies(request))
