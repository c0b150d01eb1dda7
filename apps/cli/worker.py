"""``questlog worker [SERVICE]``: consume events and relay the outboxes, until stopped.

Runs the Dramatiq actors of SERVICE's consumers (or every service's, by default) on the broker
``QUESTLOG_BROKER`` names, and the outbox relay of SERVICE's outbox (or all of them), which
publishes committed events to that broker. Several workers may run at once: each message goes
to one of them, and relays share the outboxes safely. SIGTERM or Ctrl-C stops it after the
messages in hand. With ``QUESTLOG_BROKER=stub`` there is nothing to share a queue with: the
all-in-one (``questlog serve``) runs its worker in its own process instead.
"""

from __future__ import annotations

import argparse

SERVICES = ("all", "auth", "quest", "gamification", "notification", "ai", "search")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", nargs="?", default="all", choices=SERVICES)
    parser.add_argument(
        "--no-relay", action="store_true", help="only consume; leave the outboxes to others"
    )
    parser.add_argument("--log-level", default="info")


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from apps.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"questlog: {exc}")
        return 2
    if settings.broker == "stub":
        print(
            "questlog: QUESTLOG_BROKER=stub is the all-in-one's in-process broker; "
            "a separate worker needs redis or rabbitmq"
        )
        return 2
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from apps.workers.runtime import EventWorker, services_of

    worker = EventWorker(settings, services_of(args.service), relay=not args.no_relay)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    worker.start()
    print(
        f"Questlog worker ({args.service}) on the {settings.broker} broker: consuming "
        f"{', '.join(worker.contexts) or 'nothing'}; relaying "
        f"{', '.join(worker.services) if worker.with_relay else 'nothing'}",
        flush=True,
    )
    stopping.wait()
    worker.stop()
    return 0
