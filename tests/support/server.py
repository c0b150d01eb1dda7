"""Start a real ``questlog serve`` process on a free port (for end-to-end tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RunningServer:
    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_server(
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    service: str | None = None,
    extra_args: list[str] | None = None,
    without: tuple[str, ...] = (),
) -> RunningServer:
    """Start the all-in-one (or one ``service``) on embedded defaults inside ``workdir``, with
    ``extra_env`` on top, and wait until it answers (``extra_args`` go to ``questlog serve``,
    e.g. ``["--server", "uvicorn"]``; ``without`` names variables to leave unset)."""
    port = free_port()
    env = {
        **os.environ,
        "QUESTLOG_DATABASE_URL": f"sqlite:///{workdir / 'questlog.db'}",
        "QUESTLOG_JWT_PRIVATE_KEY_PATH": str(workdir / "keys" / "jwt.pem"),
        "QUESTLOG_STORAGE_DIR": str(workdir / "files"),
        "QUESTLOG_EMAIL": "outbox",
        "QUESTLOG_EMAIL_OUTBOX_DIR": str(workdir / "mail"),
        "QUESTLOG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    for name in without:
        env.pop(name, None)
    log = workdir / f"server-{port}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apps.cli",
            "serve",
            *([service] if service else []),
            "--port",
            str(port),
            *(extra_args or []),
        ],
        cwd=workdir,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
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
    raise RuntimeError(f"server did not answer within {STARTUP_SECONDS}s:\n{log.read_text()}")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def base_env(workdir: Path) -> dict[str, str]:
    """The environment :func:`start_server` gives a process in ``workdir`` (for workers)."""
    return {
        **os.environ,
        "QUESTLOG_DATABASE_URL": f"sqlite:///{workdir / 'questlog.db'}",
        "QUESTLOG_JWT_PRIVATE_KEY_PATH": str(workdir / "keys" / "jwt.pem"),
        "QUESTLOG_STORAGE_DIR": str(workdir / "files"),
        "QUESTLOG_EMAIL": "outbox",
        "QUESTLOG_EMAIL_OUTBOX_DIR": str(workdir / "mail"),
    }


class RunningWorker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_worker(
    workdir: Path, extra_env: dict[str, str], service: str = "all", label: str = "worker"
) -> RunningWorker:
    """Start ``questlog worker [service]`` and wait until it says it runs."""
    log = workdir / f"{label}.log"
    handle = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "worker", service],
        cwd=workdir,
        env={**base_env(workdir), **extra_env},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{log.read_text(errors='replace')}")
        if "Questlog worker" in log.read_text(errors="replace"):
            return RunningWorker(process, log)
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"worker did not start within {STARTUP_SECONDS}s:\n{log.read_text()}")


def stop_worker(worker: RunningWorker) -> None:
    worker.process.terminate()
    try:
        worker.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()
