"""``questlog serve [SERVICE]``: run the all-in-one process, or one service alone.

With no service (or ``all``) every service runs in one process on the settings from the
environment, whose defaults are the embedded ones (SQLite file, in-process cache, console
email). ``questlog serve quest`` runs the quest service alone; production chooses its adapters
with ``QUESTLOG_*`` variables.

The HTTP server is granian by default (``--server granian``), the fastest of the stacks
measured on this code (see ``docs/performance.md``); ``--server uvicorn`` runs uvicorn with
uvloop and httptools instead. Both come with the ``server`` extra.
"""

from __future__ import annotations

import argparse

SERVICES = ("all", "auth", "quest", "gamification", "notification", "ai", "search")
#: the HTTP servers ``questlog serve`` can run on; the first is the default
SERVERS = ("granian", "uvicorn")


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
    parser.add_argument("--log-level", default="info")


def run(args: argparse.Namespace) -> int:
    import importlib

    from apps.settings import Settings, SettingsError

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
    if args.service == "all":
        factory = "apps.gateway:create_app"
        label = "Questlog (all services)"
    else:
        module = f"apps.{args.service}.app"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            print(f"questlog: the {args.service} service is not available in this build")
            return 2
        factory = f"{module}:create_app"
        label = f"Questlog {args.service} service"
    if args.service != "all" and settings.broker == "stub":
        # The stub broker lives inside the all-in-one; a service alone relays nothing itself.
        print(
            f"questlog: note: the {args.service} service's events wait in its outbox until a "
            "`questlog worker` runs (with QUESTLOG_BROKER=redis or rabbitmq)"
        )
    base = f"http://{args.host}:{args.port}"
    print(
        f"{label} on {base} — API docs at {base}/schema  "
        f"(database: {settings.database_url}; server: {args.server})",
        flush=True,
    )
    if args.server == "granian":
        _run_granian(factory, args)
    else:
        _run_uvicorn(factory, args)
    return 0


def _run_uvicorn(factory: str, args: argparse.Namespace) -> None:
    import uvicorn

    uvicorn.run(
        factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
        # The C event loop and HTTP parser (both in the server extra): without them uvicorn
        # falls back to asyncio's pure-Python loop parts and h11.
        loop="uvloop",
        http="httptools",
    )


def _run_granian(factory: str, args: argparse.Namespace) -> None:
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels
    from granian.server import Server

    level = args.log_level.lower()
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
