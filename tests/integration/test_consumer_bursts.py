"""A consumer applying a burst of events the relay put in one message (one transaction).

What users and operators would notice: every event of the burst has its effect exactly once
(XP for each completion), an event that cannot be applied does not hold the others back, and
it ends as a dead letter of its own (with its event id) after its own retries, as it would
have alone.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import msgspec
import pytest

from adapters.messaging.dramatiq import DramatiqPublisher, Route
from adapters.sql.migrations import upgrade
from apps.cli import main
from apps.settings import Settings
from apps.workers.actors import actor_name
from apps.workers.broker import queue_name
from apps.workers.runtime import EventWorker
from questlog_core.events import encode_event
from questlog_core.events.identity import AccountDeleted
from questlog_core.ids import EventId, UserId
from questlog_core.ports.messaging import OutboxRecord
from questlog_core.services import gamification as game
from tests.integration.test_worker import completion
from tests.support.events import EventFlow, wait_for


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'questlog.db'}"
    upgrade(url)
    return url


def settings_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> Settings:
    for name, value in values.items():
        monkeypatch.setenv(f"QUESTLOG_{name.upper()}", value)
    return Settings.from_env()


def send_burst(settings: Settings, payloads: list[str], ids: list[str]) -> None:
    import dramatiq

    dramatiq.get_broker().enqueue(
        dramatiq.Message(
            queue_name=queue_name(settings, "gamification"),
            actor_name=actor_name("gamification"),
            args=tuple(payloads),
            kwargs={},
            options={
                "event_ids": ids,
                "event_types": ["quest.completed.v1"] * len(ids),
                "request_ids": [None] * len(ids),
            },
        )
    )


def _dead_letters(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["dead-letters", "list"]) == 0
    out = capsys.readouterr().out
    return "" if out.startswith("0 dead letter(s)") else out


def test_a_burst_awards_each_completion_once_and_a_bad_event_fails_alone(
    monkeypatch: pytest.MonkeyPatch, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_env(
        monkeypatch, database_url=database, broker="stub", worker_max_retries="1"
    )
    # Two players, several completions each (their order kept within each player), one
    # payload that is no event, and one event whose handler fails halfway (a fault injected
    # into the game's use case: it claims the event, then raises).
    players = [UserId(uuid.uuid4()) for _ in range(2)]
    good = [msgspec.structs.replace(completion(), owner=players[i % 2]) for i in range(12)]
    refused = completion()
    real = game.handle_quest_completed

    async def failing_for_refused(event: Any, uow: Any, *args: Any) -> Any:
        if event.event_id != refused.event_id:
            return await real(event, uow, *args)
        async with uow:
            assert await uow.inbox.claim("gamification", event.event_id)
            raise RuntimeError("the game broke on this one")

    monkeypatch.setattr(game, "handle_quest_completed", failing_for_refused)
    poison_id = str(uuid.uuid4())
    events = [*good[:5], refused, *good[5:]]
    payloads = [encode_event(e).decode() for e in events]
    ids = [str(e.event_id) for e in events]
    payloads.insert(3, "{this is not an event")
    ids.insert(3, poison_id)

    worker = EventWorker(settings, ["gamification"], relay=False)
    worker.start()
    flow = EventFlow(database)
    try:
        send_burst(settings, payloads, ids)
        awarded = wait_for(lambda: len(flow.awards()) >= len(good), 30.0)
        kept = wait_for(
            lambda: (
                out
                if str(refused.event_id) in (out := _dead_letters(capsys)) and poison_id in out
                else ""
            ),
            30.0,
        )
    finally:
        worker.stop()
    assert awarded
    assert sorted(flow.awards()) == sorted(str(e.event_id) for e in good)
    assert "2 dead letter(s)" in kept  # each bad one alone, with its own id
    assert str(refused.event_id) not in flow.claims()  # its claim went back with its savepoint
    flow.close()


def _record(event_type: str, n: int) -> OutboxRecord:
    owner = UserId(uuid.uuid4())
    return OutboxRecord(
        event_id=EventId(uuid.uuid4()),
        type=event_type,
        owner=owner,
        occurred_at=completion().occurred_at,
        payload=f'{{"n": {n}}}'.encode(),
        request_id=f"req-{n}",
    )


def test_the_relay_puts_consecutive_events_of_a_consumer_in_bursts_in_order() -> None:
    game, ai = Route("q_game", "gamification.events"), Route("q_ai", "ai.events")
    routes = {"quest.completed.v1": [game, ai], "quest.created.v1": [ai]}
    deleted = AccountDeleted.type_name()
    routes[deleted] = [game, ai]
    publisher = DramatiqPublisher(
        None, lambda t: routes[t], blocking_client=False, batch_size=3, alone={deleted}
    )
    kinds = ["quest.completed.v1", "quest.created.v1"] * 3 + [deleted, "quest.completed.v1"]
    records = [_record(kind, n) for n, kind in enumerate(kinds)]

    messages = publisher.messages(records)

    def numbers(queue: str) -> list[list[int]]:
        return [
            [msgspec.json.decode(a)["n"] for a in m.args] for m in messages if m.queue_name == queue
        ]

    # at most 3 per message, each consumer's events in outbox order, the deletion alone
    assert numbers("q_game") == [[0, 2, 4], [6], [7]]
    assert numbers("q_ai") == [[0, 1, 2], [3, 4, 5], [6], [7]]
    burst = next(m for m in messages if len(m.args) == 3 and m.queue_name == "q_game")
    assert burst.options["event_ids"] == [str(records[n].event_id) for n in (0, 2, 4)]
    assert burst.options["request_ids"] == ["req-0", "req-2", "req-4"]
    single = next(m for m in messages if m.args == (records[6].payload.decode(),))
    assert single.options["event_id"] == str(records[6].event_id)
    assert single.options["event_type"] == deleted


@pytest.mark.postgres
def test_a_burst_postgresql_aborted_keeps_nothing_and_fails_whole(
    monkeypatch: pytest.MonkeyPatch,
    postgres_template: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An error *outside* a savepoint (a read) aborts a PostgreSQL transaction, after which its
    COMMIT keeps nothing without a word: the burst must then fail as a whole (and be retried,
    here: become a dead letter), never be taken as done."""
    from sqlalchemy import text

    from adapters.sql.scratch import drop_database
    from apps.workers import actors, consumers
    from tests.support.databases import copy_database

    url = copy_database(postgres_template, "bursts")
    try:
        settings = settings_env(
            monkeypatch, database_url=url, broker="stub", worker_max_retries="0"
        )
        events = [
            msgspec.structs.replace(completion(), owner=UserId(uuid.uuid4())) for _ in range(4)
        ]
        broken = events[2]
        real = consumers.project_quest_event

        async def reading_badly(event: Any, uow: Any) -> Any:
            if event.event_id != broken.event_id:
                return await real(event, uow)
            async with uow.reading() as reader:  # a reader joins without a savepoint
                await reader.connection.execute(
                    text("SELECT no_such_column FROM ai.ai_quest_views")
                )
            return None

        monkeypatch.setattr(consumers, "project_quest_event", reading_badly)
        # one transaction for the whole burst, however slow the machine (it commits and
        # starts another after BURST_HOLD_SECONDS otherwise, keeping what came before)
        monkeypatch.setattr(actors, "BURST_HOLD_SECONDS", 60.0)
        import dramatiq

        worker = EventWorker(settings, ["ai"], relay=False)
        worker.start()
        flow = EventFlow(url)
        try:
            dramatiq.get_broker().enqueue(
                dramatiq.Message(
                    queue_name=queue_name(settings, "ai"),
                    actor_name=actor_name("ai"),
                    args=tuple(encode_event(e).decode() for e in events),
                    kwargs={},
                    options={
                        "event_ids": [str(e.event_id) for e in events],
                        "event_types": ["quest.completed.v1"] * len(events),
                        "request_ids": [None] * len(events),
                    },
                )
            )
            kept = wait_for(lambda: _dead_letters(capsys), 30.0)
        finally:
            worker.stop()
        assert "4 events: quest.completed.v1" in kept  # the burst, as a whole
        claimed = flow._column("SELECT count(*) FROM ai.ai_inbox")
        assert claimed == ["0"]  # nothing of it was taken as done
        flow.close()
    finally:
        drop_database(url)
