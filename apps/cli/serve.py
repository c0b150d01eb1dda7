"""``questlog serve [SERVICE]``: run the all-in-one process, or one service alone.

With no service (or ``all``) every service runs in one process on the settings from the
environment, whose defaults are the embedded ones (SQLite file, in-process cache, console
email). ``questlog serve quest`` runs the quest service alone; production chooses its adapters
with ``QUESTLOG_*`` variables.
"""

from __future__ import annotations

import argparse

SERVICES = ("all", "auth", "quest", "gamification", "notification", "ai")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", nargs="?", default="all", choices=SERVICES)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--log-level", default="info")


def run(args: argparse.Namespace) -> int:
    import importlib

    import uvicorn

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
    print(f"{label} on {base} — API docs at {base}/schema  (database: {settings.database_url})")
    uvicorn.run(
        factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
    )
    return 0
