"""``questlog serve [SERVICE]``: run the all-in-one process, or one service alone.

With no service (or ``all``) every service runs in one process on the settings from the
environment, whose defaults are the embedded ones (SQLite file, in-process cache, console
email). ``questlog serve quest`` runs the quest service alone; production chooses its adapters
with ``QUESTLOG_*`` variables. ``questlog serve web`` runs the web client alone: its pages call
the API at ``QUESTLOG_WEB_API_URL`` (see ``docs/web.md``).

The HTTP server is granian by default (``--server granian``), the fastest of the stacks
measured on this code (see ``docs/performance.md``); ``--server uvicorn`` runs uvicorn with
uvloop and httptools instead. Both come with the ``server`` extra.
"""

from __future__ import annotations

import argparse
import gc
import os
from typing import TYPE_CHECKING

from apps.services import names

if TYPE_CHECKING:
    from litestar import Litestar

    from apps.settings import Settings

#: ``all`` and every service in the registry (:mod:`apps.services`)
SERVICES = ("all", *names())
#: the HTTP servers ``questlog serve`` can run on; the first is the default
SERVERS = ("granian", "uvicorn")


#: the environment variable through which ``serve`` tells :func:`served_app`, in each server
#: process, which app factory to run (``module:function``)
SERVED_FACTORY = "QUESTLOG_SERVED_FACTORY"


def served_app() -> Litestar:
    """The app ``questlog serve`` hands the HTTP server: the one :data:`SERVED_FACTORY` names,
    whose heap is set aside from the cyclic garbage collector once it has started.

    Everything built at startup (some 2,000 modules, their functions, types and tables, and
    the app's routes: about 230,000 objects) lives as long as the process, but Python's
    collector walks all of it at every full collection, and under load a full collection
    comes every second or two (objects of requests in flight outlive the young
    generations). Measured on the all-in-one at 64 connections, each took tens to hundreds of
    milliseconds, stalling every request in flight: the GET p99. ``gc.freeze()`` after
    startup moves those objects to a generation the collector never walks; garbage made
    later is still collected as before. Only long-running servers do this, so tests and
    library users keep the default collector.
    """
    import importlib

    module_name, _, function = os.environ[SERVED_FACTORY].partition(":")
    app: Litestar = getattr(importlib.import_module(module_name), function)()

    async def set_startup_heap_aside(_: Litestar) -> None:
        gc.collect()
        gc.freeze()

    # Last, after the in-process workers and pools have started.
    app.on_startup.append(set_startup_heap_aside)
    return app


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", nargs="?", default="all", choices=SERVICES)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--server",
        default=SERVERS[0],
        choices=SERVERS,
        help="HTTP server: granian (default, fastest measured) or uvicorn (uvloop + httptools)",
    )
    parser.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error", "critical"),
        help="lowest level logged by the request log and the server (default: "
        "QUESTLOG_LOG_LEVEL, info); request lines are info, so warning leaves them out",
    )


def listening_url(host: str, port: int) -> str:
    """The base URL of ``host:port`` as a browser on this machine reaches it (a wildcard
    address such as ``0.0.0.0`` is reached as ``127.0.0.1``)."""
    if host in {"", "0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def run(args: argparse.Namespace) -> int:
    from apps.services import service
    from apps.settings import Settings, SettingsError

    # Links in emails (password reset) and signed file URLs point where this server listens
    # unless QUESTLOG_PUBLIC_URL says otherwise (behind a proxy or on a public host it must).
    os.environ.setdefault("QUESTLOG_PUBLIC_URL", listening_url(args.host, args.port))
    if args.log_level is not None:
        # The app is built from settings in the server's process: the flag travels as the
        # setting it stands for.
        os.environ["QUESTLOG_LOG_LEVEL"] = args.log_level
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"questlog: {exc}")
        return 2
    if args.workers > 1 and settings.cache != "redis":
        # The token denylist, the read cache and idempotency keys would be per process: a
        # logout seen by one worker would not reach the others.
        print("questlog: --workers above 1 needs QUESTLOG_CACHE=redis (shared revocations)")
        return 2
    factory: str | None = "apps.gateway:create_app"
    label = "Questlog (all services)"
    if args.service != "all":
        factory = service(args.service).app
        label = f"Questlog {args.service} service"
    if factory is None:
        print(f"questlog: the {args.service} service has no HTTP API in this build")
        return 2
    if args.service not in {"all", "web"} and settings.broker == "stub":
        # The stub broker lives inside the all-in-one; a service alone relays nothing itself.
        print(
            f"questlog: note: the {args.service} service's events wait in its outbox until a "
            "`questlog worker` runs (with QUESTLOG_BROKER=redis or rabbitmq)"
        )
    base = listening_url(args.host, args.port)
    pages = f"web app at {base}/, " if args.service in {"all", "web"} else ""
    print(
        f"{label} on {base} — {pages}API docs at {base}/schema  "
        f"(database: {settings.database_url}; server: {args.server})",
        flush=True,
    )
    # The server imports the app in its own process(es): the factory travels by environment.
    os.environ[SERVED_FACTORY] = factory
    factory = "apps.cli.serve:served_app"
    if args.server == "granian":
        _run_granian(factory, args, settings)
    else:
        _run_uvicorn(factory, args, settings)
    return 0


def _run_uvicorn(factory: str, args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        access_log=False,
        # The C event loop and HTTP parser (both in the server extra): without them uvicorn
        # falls back to asyncio's pure-Python loop parts and h11.
        loop="uvloop",
        http="httptools",
    )


def _run_granian(factory: str, args: argparse.Namespace, settings: Settings) -> None:
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels
    from granian.server import Server

    level = settings.log_level
    Server(
        factory,
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=args.workers,
        loop=Loops.uvloop,
        log_level=LogLevels(level) if level in LogLevels.__members__ else LogLevels.info,
        log_access=False,
    ).serve()
