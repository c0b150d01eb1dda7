"""The worker in this process: consumers on a real broker, dead letters an operator handles.

A message its consumer cannot handle (here: a payload that is no event at all) is kept as a
dead letter after its last retry; ``questlog dead-letters list`` shows it and ``purge`` clears
it. On Redis, ``replay`` sends a dead letter back to its queue and the consumer's effect (XP
for the completion) arrives, once.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.sql.migrations import upgrade
from apps.cli import main
from apps.settings import Settings
from apps.workers.actors import actor_name
from apps.workers.broker import queue_name
from apps.workers.runtime import EventWorker
from questlog_core.events import encode_event
from questlog_core.events.quests import QuestCompleted
from questlog_core.ids import EventId, QuestId, UserId
from tests.support.events import EventFlow, wait_for


def completion() -> QuestCompleted:
    now = datetime.now(UTC)
    return QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=now,
        owner=UserId(uuid.uuid4()),
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=2,
        due=None,
        completed_at=now,
        created_at=now,
        on_time=True,
        owner_timezone="UTC",
    )


def send(settings: Settings, payload: str, event_id: str) -> None:
    import dramatiq

    dramatiq.get_broker().enqueue(
        dramatiq.Message(
            queue_name=queue_name(settings, "gamification"),
            actor_name=actor_name("gamification"),
            args=(payload,),
            kwargs={},
            options={"event_id": event_id, "event_type": "quest.completed.v1"},
        )
    )


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'questlog.db'}"
    upgrade(url)
    return url


def settings_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> Settings:
    for name, value in values.items():
        monkeypatch.setenv(f"QUESTLOG_{name.upper()}", value)
    return Settings.from_env()


def test_a_poison_message_becomes_a_dead_letter_an_operator_lists_and_purges(
    monkeypatch: pytest.MonkeyPatch, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_env(monkeypatch, database_url=database, broker="stub")
    worker = EventWorker(settings, ["gamification"], relay=False)
    worker.start()
    try:
        event_id = str(uuid.uuid4())
        send(settings, "{this is not an event", event_id)
        flow = EventFlow(database)
        kept = wait_for(lambda: _dead_letters(capsys), 30.0)
    finally:
        worker.stop()
    assert event_id in kept
    assert "1 dead letter(s)" in kept
    assert flow.awards() == []

    assert main(["dead-letters", "purge"]) == 0
    assert main(["dead-letters", "list"]) == 0
    assert "0 dead letter(s)" in capsys.readouterr().out
    flow.close()


def _dead_letters(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["dead-letters", "list"]) == 0
    out = capsys.readouterr().out
    return "" if out.startswith("0 dead letter(s)") else out


@pytest.mark.redis
def test_a_replayed_dead_letter_reaches_its_consumer_once(
    monkeypatch: pytest.MonkeyPatch,
    database: str,
    redis_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    import dramatiq

    from adapters.sql.dead_letters import DeadLetter, SqlDeadLetters
    from adapters.sql.engine import make_engine

    prefix = f"t{uuid.uuid4().hex[:10]}"
    settings = settings_env(
        monkeypatch,
        database_url=database,
        broker="redis",
        redis_url=redis_url,
        redis_key_prefix=prefix,
        queue_prefix=prefix,
    )
    event = completion()
    failed = dramatiq.Message(
        queue_name=queue_name(settings, "gamification"),
        actor_name=actor_name("gamification"),
        args=(encode_event(event).decode(),),
        kwargs={},
        options={"event_id": str(event.event_id), "retries": 5, "traceback": "..."},
    )

    async def keep() -> None:
        engine = make_engine(database)
        await SqlDeadLetters(engine).add(
            DeadLetter(
                service="gamification",
                message_id=failed.message_id,
                queue_name=failed.queue_name,
                actor_name=failed.actor_name,
                event_id=event.event_id,
                event_type=event.type_name(),
                message=failed.encode().decode(),
                error="ConnectionError('the database went away')",
                failed_at=datetime.now(UTC),
            )
        )
        await engine.dispose()

    asyncio.run(keep())
    flow = EventFlow(database)
    worker = EventWorker(settings, ["gamification"], relay=False)
    worker.start()
    try:
        assert main(["dead-letters", "replay", failed.message_id]) == 0
        assert f"replayed {failed.message_id}" in capsys.readouterr().out
        assert wait_for(lambda: flow.awards() == [str(event.event_id)], 30.0)
        time.sleep(0.5)  # a second delivery, were there one, would land meanwhile
        assert flow.awards() == [str(event.event_id)]
        assert flow.claims() == [str(event.event_id)]
        assert main(["dead-letters", "list"]) == 0
        assert "0 dead letter(s)" in capsys.readouterr().out
    finally:
        worker.stop()
        flow.close()
        _forget(redis_url, prefix)


def _forget(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
