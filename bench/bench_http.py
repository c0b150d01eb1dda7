"""HTTP throughput of the all-in-one server: GET one quest and POST one quest next to a hello
endpoint on the same server in the same run, at 64 connections.

Starts a real ``questlog serve`` process (SQLite, embedded defaults) and loads it with ``wrk``
(Debian package ``wrk``); without wrk it falls back to an httpx load loop, which itself costs
CPU on this 2-core machine and so understates the server. Prints requests/s, p99 latency and
the ratios to hello. Goal: reads >= 0.5x hello, p99 <= 25 ms.

A second, clearly labelled run serves the same database with ``questlog serve --workers 2``
and ``QUESTLOG_CACHE=redis`` (several processes must share the revocation feed and the read
cache, so the in-process ones are not an option there); each run's ratios are to its own hello.
Skipped when Redis does not answer at BENCH_REDIS_URL.

Environment: BENCH_SECONDS (default 8), BENCH_CONNECTIONS (64), BENCH_WORKERS (2: the second
run; 0 skips it), BENCH_REDIS_URL (redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.server import RunningServer, free_port, start_server, stop_server

SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "benchmark passphrase 2026"


def parse_wrk(output: str) -> tuple[float, float]:
    """(requests/s, p99 in ms) from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    match = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    assert match, output
    value, unit = float(match.group(1)), match.group(2)
    p99 = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return rps, p99


def run_wrk(url: str, headers: dict[str, str], script: str | None = None) -> tuple[float, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  note: {errors.group(1)} non-2xx answers for {url}")
    return parse_wrk(output)


async def _httpx_load(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> tuple[float, float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + SECONDS
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                await client.request(method, url, headers=headers, content=body)
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(latencies, n=100)[98]
    return len(latencies) / elapsed, p99


def load(
    method: str, url: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[float, float]:
    if shutil.which("wrk") is None:
        return asyncio.run(_httpx_load(method, url, headers, body))
    if method == "GET":
        return run_wrk(url, headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        payload = (body or b"").decode().replace("\\", "\\\\").replace('"', '\\"')
        script.write(f'wrk.method = "{method}"\nwrk.body = "{payload}"\n')
        script.write('wrk.headers["Content-Type"] = "application/json"\n')
    try:
        return run_wrk(url, headers, script.name)
    finally:
        os.unlink(script.name)


Figures = tuple[float, float]


def measure(base: str, *, register: bool) -> tuple[Figures, Figures, Figures]:
    """hello, GET one quest and POST one quest against the server at ``base``."""
    with httpx.Client(base_url=base, timeout=30.0) as client:
        user = {"email": "bench@example.com", "password": PASSWORD, "display_name": "B"}
        if register:
            client.post("/api/v1/auth/register", json=user).raise_for_status()
        login = client.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
        )
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        created = client.post("/api/v1/quests", json={"title": "Benchmark quest"}, headers=auth)
        created.raise_for_status()
        quest_id = created.json()["id"]
    hello = load("GET", f"{base}/health/hello", {})
    read = load("GET", f"{base}/api/v1/quests/{quest_id}", auth)
    write = load(
        "POST", f"{base}/api/v1/quests", auth, b'{"title": "Load-test quest", "difficulty": "easy"}'
    )
    return hello, read, write


def report(label: str, figures: tuple[Figures, Figures, Figures]) -> None:
    hello, read, write = figures
    print(label)
    rows = [("hello", hello), ("GET one quest", read), ("POST one quest", write)]
    for name, (rps, p99) in rows:
        print(f"  {name:<16} {rps:9.0f} req/s   p99 {p99:7.1f} ms   {rps / hello[0]:.2f}x hello")
    print(
        f"  goal: reads >= 0.5x hello ({read[0] / hello[0]:.2f}x), "
        f"p99 <= 25 ms (read {read[1]:.1f} ms, write {write[1]:.1f} ms)"
    )


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def start_workers(workdir: Path, workers: int) -> RunningServer:
    """``questlog serve --workers N`` on the (already migrated) database in ``workdir``,
    with the production-shaped shared state: Redis for the cache and the revocation feed."""
    port = free_port()
    env = {
        **os.environ,
        "QUESTLOG_DATABASE_URL": f"sqlite:///{workdir / 'questlog.db'}",
        "QUESTLOG_JWT_PRIVATE_KEY_PATH": str(workdir / "keys" / "jwt.pem"),
        "QUESTLOG_STORAGE_DIR": str(workdir / "files"),
        "QUESTLOG_EMAIL": "outbox",
        "QUESTLOG_EMAIL_OUTBOX_DIR": str(workdir / "mail"),
        "QUESTLOG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "QUESTLOG_CACHE": "redis",
        "QUESTLOG_REDIS_URL": REDIS_URL,
    }
    log = workdir / "server-workers.log"
    command = [sys.executable, "-m", "apps.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        cwd=workdir,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                time.sleep(1.0)  # let every worker finish starting
                return RunningServer(base_url, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not answer within 60 s:\n{log.read_text()}")


def main() -> int:
    tool = "wrk" if shutil.which("wrk") else "httpx load loop (wrk not installed)"
    print(f"HTTP benchmark: {CONNECTIONS} connections, {SECONDS}s per endpoint, load by {tool}")
    with tempfile.TemporaryDirectory() as workdir:
        server = start_server(Path(workdir))
        try:
            single = measure(server.base_url, register=True)
        finally:
            stop_server(server)
        report("all-in-one, 1 process (SQLite, in-process cache and revocation feed):", single)
        if WORKERS <= 0:
            return 0
        if not redis_answers(REDIS_URL):
            print(f"(skipped the --workers {WORKERS} run: no Redis at {REDIS_URL})")
            return 0
        server = start_workers(Path(workdir), WORKERS)
        try:
            several = measure(server.base_url, register=False)
        finally:
            stop_server(server)
        report(
            f"EXTRA: questlog serve --workers {WORKERS} (SQLite, QUESTLOG_CACHE=redis), "
            "same machine, wrk included:",
            several,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
