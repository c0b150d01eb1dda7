"""``questlog dead-letters list|replay [ID]|purge``: the messages consumers gave up on.

A consumer that still fails after its last retry leaves its message in the database (one table
per consuming service). ``list`` shows them; ``replay ID`` sends one to its queue again (and
forgets it), ``replay`` without an id sends them all; ``purge`` deletes them. Replaying needs
the broker the workers use (``QUESTLOG_BROKER=redis`` or ``rabbitmq``): the stub broker lives
inside the all-in-one process, out of this command's reach.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "replay", "purge"))
    parser.add_argument("message_id", nargs="?", help="replay only this message")
    parser.add_argument("--service", help="only this service's dead letters")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from apps.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"questlog: {exc}")
        return 2
    if args.action == "replay" and settings.broker == "stub":
        print("questlog: replaying needs QUESTLOG_BROKER=redis or rabbitmq (the workers' broker)")
        return 2
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: object) -> int:
    from adapters.sql.dead_letters import SqlDeadLetters
    from adapters.sql.engine import make_engine
    from apps.services import consumers, schemas
    from apps.settings import Settings

    assert isinstance(settings, Settings)
    engine = make_engine(settings.database_url, schemas=schemas())
    # Only consumers give up on messages: the services that have one keep dead letters.
    store = SqlDeadLetters(engine, list(consumers()))
    try:
        if args.action == "list":
            letters = await store.list(args.service)
            for letter in letters:
                print(
                    f"{letter.message_id}  {letter.failed_at:%Y-%m-%d %H:%M:%S}  "
                    f"{letter.service}  {letter.event_type or '-'}  {letter.event_id or '-'}  "
                    f"{letter.error or ''}"
                )
            print(f"{len(letters)} dead letter(s)")
            return 0
        if args.action == "purge":
            print(f"purged {await store.purge(args.service)} dead letter(s)")
            return 0
        return await _replay(store, settings, args.message_id, args.service)
    finally:
        await engine.dispose()


#: message options a replay keeps (the rest are the broker's and the retries' bookkeeping)
_KEPT_OPTIONS = frozenset({"event_id", "event_type", "request_id"})


async def _replay(
    store: object, settings: object, message_id: str | None, service: str | None
) -> int:
    import asyncio

    import dramatiq

    from adapters.sql.dead_letters import SqlDeadLetters
    from apps.settings import Settings
    from apps.workers.broker import configure_broker

    assert isinstance(store, SqlDeadLetters)
    assert isinstance(settings, Settings)
    broker = configure_broker(settings)
    ids = (
        [message_id] if message_id else [letter.message_id for letter in await store.list(service)]
    )
    replayed = 0
    for one in ids:
        letter = await store.take(one)
        if letter is None:
            print(f"questlog: no dead letter {one}")
            return 1
        failed = dramatiq.Message.decode(letter.message.encode())
        # A new message with a fresh retry budget (the failure that exhausted the old one has
        # been dealt with), the same event and request id.
        options = {k: v for k, v in failed.options.items() if k in _KEPT_OPTIONS}
        fresh: dramatiq.Message[Any] = dramatiq.Message(
            queue_name=failed.queue_name,
            actor_name=failed.actor_name,
            args=failed.args,
            kwargs=failed.kwargs,
            options=options,
        )
        await asyncio.to_thread(broker.enqueue, fresh)
        replayed += 1
        print(f"replayed {letter.message_id} to {letter.queue_name}")
    print(f"{replayed} dead letter(s) replayed")
    return 0
