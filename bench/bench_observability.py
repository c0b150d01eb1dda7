"""Per-request cost of the request log line and metrics (``apps.http.observability``).

Drives ASGI apps in-process (no server, no sockets) so the figure is the observer's own CPU:
a bare ASGI app and a Litestar hello app, each called directly and through
``RequestObserver`` (JSON and console log lines, written to /dev/null). Prints CPU µs per
request (process time, so other load on the machine disturbs it less than wall time) and the
overhead against the bare call, in the same run. Never fails on time.
Environment: BENCH_REQUESTS (default 20000).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

from litestar import Litestar, get
from prometheus_client import CollectorRegistry

from apps.http.observability import RequestObserver, request_logger

N = int(os.environ.get("BENCH_REQUESTS", "20000"))
ROUNDS = 5


async def bare(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello", "more_body": False})


@get("/hello", sync_to_thread=False)
def hello() -> str:
    return "hello"


def scope_of(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench"), (b"x-request-id", b"bench-1")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }


async def receive() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: Any) -> None:
    return None


async def per_request_us(app: Any, path: str) -> float:
    """Median over rounds of CPU µs per request (each request a fresh scope, as a server makes)."""
    samples = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(N):
            await app(scope_of(path), receive, send)
        samples.append((time.process_time() - start) / N * 1e6)
    return statistics.median(samples)


def observed(inner: Any, log_format: str, sink: Any) -> RequestObserver:
    return RequestObserver(
        inner,
        log=request_logger(log_format, sink),
        registry=CollectorRegistry(auto_describe=False),
        metrics_allow=(),
    )


async def main(sink: Any) -> None:
    print(f"observer CPU per request, in-process, median of {ROUNDS} x {N:,} requests")
    litestar_app = Litestar(route_handlers=[hello])

    async def litestar_inner(scope: Any, receive_: Any, send_: Any) -> None:
        scope["app"] = scope["litestar_app"] = litestar_app
        scope.setdefault("state", {})
        await litestar_app.asgi_handler(scope, receive_, send_)

    for label, inner in (("bare ASGI app", bare), ("Litestar hello", litestar_inner)):
        base = await per_request_us(inner, "/hello")
        print(f"  {label:<16} direct        {base:8.1f} µs")
        for log_format in ("json", "console"):
            wrapped = await per_request_us(observed(inner, log_format, sink), "/hello")
            print(
                f"  {label:<16} + observer ({log_format:<7}) {wrapped:8.1f} µs"
                f"  (+{wrapped - base:.1f} µs, {wrapped / base:.2f}x)"
            )


async def quest_read_us(sink: Any) -> None:
    """GET one quest of the all-in-one app (memory database, in-process cache), called as
    ASGI with and without the observer, the rest of the app identical."""
    import tempfile

    import httpx

    from apps.container import close_container
    from apps.gateway import create_app
    from apps.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url="memory://",
            migrate_on_start=False,
            storage_dir=f"{tmp}/files",
            jwt_private_key_path=f"{tmp}/key.pem",
            email="outbox",
            email_outbox_dir=f"{tmp}/outbox",
            environment="production",
        )
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            account = {"email": "bench@example.com", "password": "bench passphrase 2026"}
            await client.post("/api/v1/auth/register", json={**account, "display_name": "B"})
            token = (await client.post("/api/v1/auth/login", json=account)).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            quest = (await client.post("/api/v1/quests", json={"title": "x"}, headers=auth)).json()
        observer = app.asgi_handler
        assert isinstance(observer, RequestObserver)
        observer._log = request_logger("json", sink)
        inner = observer._app
        path = f"/api/v1/quests/{quest['id']}"
        header = (b"authorization", f"Bearer {token}".encode())

        async def call(handler: Any) -> Any:
            async def app_(scope: Any, receive_: Any, send_: Any) -> None:
                scope["headers"].append(header)
                scope["app"] = scope["litestar_app"] = app
                scope.setdefault("state", {})
                await handler(scope, receive_, send_)

            return app_

        base = await per_request_us(await call(inner), path)
        wrapped = await per_request_us(await call(observer), path)
        print(f"  {'GET one quest':<16} direct        {base:8.1f} µs")
        print(
            f"  {'GET one quest':<16} + observer (json   ) {wrapped:8.1f} µs"
            f"  (+{wrapped - base:.1f} µs, {wrapped / base:.2f}x)"
        )
        await close_container(app.state.container)


if __name__ == "__main__":
    with open(os.devnull, "w") as devnull:
        asyncio.run(main(devnull))
        asyncio.run(quest_read_us(devnull))
