"""HTTP throughput and latency of ``questlog serve`` where users wait, next to a hello endpoint
on the same server in the same run.

For each database (SQLite with the in-process cache; PostgreSQL + Redis, the production shape)
and each HTTP server asked for, it starts a real ``questlog serve`` process, seeds one user
with BENCH_QUESTS quests (bulk create, 100 per request), and loads with ``wrk -t2 -c64``:

* ``hello``          GET /health/hello (the baseline: same app, same middleware, no work)
* ``GET one``        GET /api/v1/quests/{id} (read-aside cache)
* ``list of 50``     GET /api/v1/quests?limit=50 (first page, default filters and order; after
                     the first request it comes from the page cache, as for a client that
                     opens its list again and again)
* ``list, uncached`` the same page under a new query string each time (``&n=1``, ``&n=2``...;
                     ``n`` means nothing to the API): every request misses the page cache and
                     builds the page from the rows
* ``POST create``    POST /api/v1/quests
* ``POST complete``  POST /api/v1/quests/{id}/complete, a different seeded quest each time

The server runs with ``--log-level warning``: no request log lines are written (for hello as
for the others). It prints req/s, the ratio to hello, p50, p99 and the server's CPU time per
request (all its processes; on a shared machine the steadiest of the figures). The goals of
issue [8] are printed beside the figures: GET one >= 0.5x hello, list of 50 >= 0.25x, writes
>= 0.2x, p99 <= 50 ms (GET one) and <= 250 ms (writes). It never fails on a figure (a
benchmark, not a test).

The machine is shared, so every figure is compared to the hello measured in the same round;
BENCH_ROUNDS > 1 repeats the whole sequence and prints each round, then the spread.

Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (64), BENCH_ROUNDS (1), BENCH_QUESTS
(20000), BENCH_SERVERS (granian; comma-separated, e.g. ``granian,uvicorn``), BENCH_DATABASES
(``sqlite,postgres``), BENCH_POSTGRES_URL (a server where the benchmark may create and drop a
database; QUESTLOG_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test),
BENCH_REDIS_URL (redis://127.0.0.1:6379/14). PostgreSQL + Redis is skipped (said so) when
either does not answer. Needs ``wrk`` (Debian package ``wrk``).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from tests.support.server import RunningServer, free_port, stop_server

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
QUESTS = int(os.environ.get("BENCH_QUESTS", "20000"))
SERVERS = [s for s in os.environ.get("BENCH_SERVERS", "granian").split(",") if s]
DATABASES = [d for d in os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",") if d]
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("QUESTLOG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "benchmark passphrase 2026"
PATHS = ("hello", "GET one", "list of 50", "list, uncached", "POST create", "POST complete")
#: (minimum ratio to hello, maximum p99 in ms) per path, from issue [8]
GOALS: dict[str, tuple[float, float | None]] = {
    "GET one": (0.5, 50.0),
    "list of 50": (0.25, None),
    "POST create": (0.2, 250.0),
    "POST complete": (0.2, 250.0),
}


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    #: server CPU (all its processes) per answered request, in ms: unlike req/s, it hardly
    #: depends on how much of the shared machine the server got during the run
    cpu_ms: float = float("nan")


def _ms(value: str, unit: str) -> float:
    number = float(value)
    return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number


def parse_wrk(output: str) -> Figures:
    """req/s, p50, p99 and non-2xx count from ``wrk --latency`` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    if not (rps and p50 and p99):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return Figures(
        float(rps.group(1)),
        _ms(*p50.groups()),
        _ms(*p99.groups()),
        int(errors.group(1)) if errors else 0,
        int(total.group(1)) if total else 0,
    )


def wrk(
    url: str, headers: dict[str, str], script: str | None = None, server_pid: int | None = None
) -> Figures:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    before = _cpu_seconds(server_pid) if server_pid else 0.0
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    figures = parse_wrk(done.stdout)
    if server_pid and figures.requests:
        used = _cpu_seconds(server_pid) - before
        figures = replace(figures, cpu_ms=1000 * used / figures.requests)
    return figures


def post_script(workdir: Path, body: str) -> str:
    path = workdir / "post.lua"
    payload = body.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(
        f'wrk.method = "POST"\nwrk.body = "{payload}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return str(path)


def uncached_list_script(workdir: Path) -> str:
    """GET the first page of 50 under a query string never sent before (a page cache miss)."""
    path = workdir / "uncached-list.lua"
    path.write_text(
        "local counter = 1\n"
        "function setup(thread)\n  thread:set('offset', counter)\n  counter = counter + 1\nend\n"
        "function init(args)\n  n = offset\nend\n"
        "function request()\n"
        "  n = n + 2\n"
        '  return wrk.format(nil, "/api/v1/quests?limit=50&n=" .. n)\n'
        "end\n"
    )
    return str(path)


def complete_script(workdir: Path, quest_ids: list[str]) -> str:
    """POST .../complete on each seeded quest once: wrk's two threads take alternate ids."""
    path = workdir / "complete.lua"
    ids = ",".join(f'"{q}"' for q in quest_ids)
    path.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        # wrk.format with a headers table would replace wrk.headers (and -H Authorization)
        f"local ids = {{{ids}}}\n"
        "local counter = 1\n"
        "function setup(thread)\n  thread:set('offset', counter)\n  counter = counter + 1\nend\n"
        "function init(args)\n  next_index = offset\nend\n"
        "function request()\n"
        "  local id = ids[((next_index - 1) % #ids) + 1]\n"
        "  next_index = next_index + 2\n"
        '  return wrk.format(nil, "/api/v1/quests/" .. id .. "/complete")\n'
        "end\n"
    )
    return str(path)


# -- servers ------------------------------------------------------------------------------------


def start(workdir: Path, server: str, env: dict[str, str]) -> RunningServer:
    port = free_port()
    full_env = {
        **os.environ,
        "QUESTLOG_JWT_PRIVATE_KEY_PATH": str(workdir / "keys" / "jwt.pem"),
        "QUESTLOG_STORAGE_DIR": str(workdir / "files"),
        "QUESTLOG_EMAIL": "outbox",
        "QUESTLOG_EMAIL_OUTBOX_DIR": str(workdir / "mail"),
        "QUESTLOG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **env,
    }
    log = workdir / f"server-{server}.log"
    command = [sys.executable, "-m", "apps.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--server", server, "--log-level", "warning"],
        cwd=workdir,
        env=full_env,
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
                return RunningServer(base_url, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not answer within 60 s:\n{log.read_text()}")


def seed(base: str, email: str) -> tuple[dict[str, str], str, list[str]]:
    """A user with QUESTS quests: (auth header, one quest id, every quest id)."""
    with httpx.Client(base_url=base, timeout=60.0) as client:
        user = {"email": email, "password": PASSWORD, "display_name": "Bench"}
        client.post("/api/v1/auth/register", json=user).raise_for_status()
        login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        ids: list[str] = []
        for start_at in range(0, QUESTS, 100):
            batch = [
                {"title": f"Seeded quest {n}", "difficulty": "easy", "tags": ["bench"]}
                for n in range(start_at, min(QUESTS, start_at + 100))
            ]
            created = client.post("/api/v1/quests/bulk", json={"quests": batch}, headers=auth)
            created.raise_for_status()
            ids.extend(item["id"] for item in created.json()["items"])
        first = client.get(f"/api/v1/quests/{ids[0]}", headers=auth)
        first.raise_for_status()
    return auth, ids[0], ids


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its children have used so far (Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for candidate in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def settle(pid: int, *, limit_seconds: float = 300.0) -> float:
    """Wait until the server is idle: seeding commits one QuestCreated event per quest, and
    the in-process consumers project them into the other services' read models for a while
    after the last response. Measuring before they are done would charge that backlog to
    whichever path runs first. Returns the seconds waited."""
    started = time.monotonic()
    if not Path(f"/proc/{pid}/stat").exists():
        return 0.0
    while time.monotonic() - started < limit_seconds:
        before = _cpu_seconds(pid)
        time.sleep(1.0)
        if _cpu_seconds(pid) - before < 0.05:  # under 5% of one CPU: nothing left to do
            break
    return time.monotonic() - started


def measure_round(
    base: str, workdir: Path, auth: dict[str, str], one: str, ids: list[str], pid: int
) -> dict[str, Figures]:
    quests = f"{base}/api/v1/quests"
    body = '{"title": "Load-test quest", "difficulty": "easy"}'
    runs: dict[str, Callable[[], Figures]] = {
        "hello": lambda: wrk(f"{base}/health/hello", {}, server_pid=pid),
        "GET one": lambda: wrk(f"{quests}/{one}", auth, server_pid=pid),
        "list of 50": lambda: wrk(f"{quests}?limit=50", auth, server_pid=pid),
        "list, uncached": lambda: wrk(base, auth, uncached_list_script(workdir), server_pid=pid),
        "POST create": lambda: wrk(quests, auth, post_script(workdir, body), server_pid=pid),
        "POST complete": lambda: wrk(base, auth, complete_script(workdir, ids), server_pid=pid),
    }
    figures: dict[str, Figures] = {}
    for path, run in runs.items():
        # Writes leave consumer work behind (projections, XP, the relay): let it finish so
        # it is not charged to the next path.
        settle(pid, limit_seconds=60.0)
        figures[path] = run()
    return figures


def report_round(label: str, figures: dict[str, Figures]) -> None:
    hello = figures["hello"].rps
    print(f"  {label}")
    print(
        f"    {'path':<14} {'req/s':>8} {'x hello':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms':>7}  goal"
    )
    for path in PATHS:
        f = figures[path]
        ratio = f.rps / hello
        goal = ""
        if path in GOALS:
            min_ratio, max_p99 = GOALS[path]
            met = ratio >= min_ratio and (max_p99 is None or f.p99_ms <= max_p99)
            limits = f">= {min_ratio}x" + (f", p99 <= {max_p99:.0f} ms" if max_p99 else "")
            goal = f"{limits}: {'met' if met else 'NOT met'}"
        errors = f"  ({f.errors} non-2xx)" if f.errors else ""
        print(
            f"    {path:<14} {f.rps:8.0f} {ratio:8.2f} {f.p50_ms:8.1f} {f.p99_ms:8.1f} "
            f"{f.cpu_ms:7.2f}  {goal}{errors}"
        )


def report_spread(rounds: list[dict[str, Figures]]) -> None:
    print("  spread over rounds (ratio to that round's hello; p99 ms): min / median / max")
    for path in PATHS[1:]:
        ratios = [r[path].rps / r["hello"].rps for r in rounds]
        p99s = [r[path].p99_ms for r in rounds]
        print(
            f"    {path:<14} {min(ratios):.2f} / {statistics.median(ratios):.2f} / "
            f"{max(ratios):.2f}x   p99 {min(p99s):.1f} / {statistics.median(p99s):.1f} / "
            f"{max(p99s):.1f}"
        )


# -- databases ----------------------------------------------------------------------------------


def reachable(url: str) -> bool:
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 1.0):
            return True
    except OSError:
        return False


def create_database() -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench(database: str, server: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        cleanup = None
        if database == "sqlite":
            env = {"QUESTLOG_DATABASE_URL": f"sqlite:///{workdir / 'questlog.db'}"}
            label = "SQLite, in-process cache and revocation feed"
        else:
            if not (reachable(POSTGRES_URL) and reachable(REDIS_URL)):
                print(f"== {server} / PostgreSQL + Redis: skipped (no server answers)")
                return
            url = create_database()
            cleanup = url
            env = {
                "QUESTLOG_DATABASE_URL": url,
                "QUESTLOG_CACHE": "redis",
                "QUESTLOG_REDIS_URL": REDIS_URL,
                "QUESTLOG_REDIS_KEY_PREFIX": f"bench{uuid.uuid4().hex[:8]}",
            }
            label = "PostgreSQL + Redis (cache, revocation feed and rate limits on Redis)"
        try:
            server_process = start(workdir, server, env)
            try:
                started = time.perf_counter()
                auth, one, ids = seed(server_process.base_url, f"bench-{server}@example.com")
                seeded = time.perf_counter() - started
                waited = settle(server_process.process.pid)
                print(
                    f"== {server} / {label}: seeded {len(ids)} quests in {seeded:.0f} s, "
                    f"then {waited:.0f} s until the consumers were idle"
                )
                rounds: list[dict[str, Figures]] = []
                for number in range(1, ROUNDS + 1):
                    # Each round completes its own share of the quests (a second completion
                    # would be a 409); wrk's threads need not advance evenly through them.
                    fresh = ids[number - 1 :: ROUNDS]
                    figures = measure_round(
                        server_process.base_url,
                        workdir,
                        auth,
                        one,
                        fresh,
                        server_process.process.pid,
                    )
                    rounds.append(figures)
                    report_round(f"round {number}", figures)
                if len(rounds) > 1:
                    report_spread(rounds)
            finally:
                stop_server(server_process)
        finally:
            if cleanup is not None:
                drop_database(cleanup)


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench_http needs wrk (apt-get install wrk); skipped")
        return 0
    cpus = os.cpu_count()
    load = os.getloadavg()[0]
    print(
        f"HTTP benchmark: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, {ROUNDS} round(s), "
        f"{cpus} CPUs, load average {load:.1f} at start (wrk shares the CPUs with the server); "
        "servers run with --log-level warning (no request log lines, for hello too)"
    )
    for database in DATABASES:
        for server in SERVERS:
            bench(database, server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
