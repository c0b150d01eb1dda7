"""Events flow from a quest completed over HTTP to the gamification consumer, exactly once.

Real processes throughout: ``questlog serve`` (the all-in-one: SQLite, stub broker, in-process
worker and relay), or ``questlog serve quest`` and ``questlog worker`` on PostgreSQL with a
Redis or RabbitMQ broker in between. "Exactly once" is read from the database: every
``quest.completed`` event in the quest outbox has one claim in the gamification inbox and one
XP award in the ledger, and no event has two.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_black_box import bearer, create_quest, sign_up
from tests.support.events import EventFlow, wait_for
from tests.support.server import (
    start_server,
    start_worker,
    stop_server,
    stop_worker,
)

pytestmark = pytest.mark.e2e

#: the longest the tests wait for events to arrive (they usually take well under a second)
DELIVERY_SECONDS = 60.0


def complete_quests(base_url: str, count: int) -> list[str]:
    """Sign up a new user, create and complete ``count`` quests; the quest ids."""
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        headers = bearer(sign_up(client, f"player-{uuid.uuid4().hex[:8]}@example.com"))
        ids = [create_quest(client, headers, f"Quest {i}", difficulty="easy") for i in range(count)]
        for quest_id in ids:
            done = client.post(f"/api/v1/quests/{quest_id}/complete", headers=headers)
            assert done.status_code == 200, done.text
    return ids


def assert_each_consumed_once(flow: EventFlow, expected: int) -> None:
    """Every completion was published, claimed once and awarded once, and nothing else."""
    completions = flow.completions()
    assert len(completions) == expected
    arrived = wait_for(lambda: len(flow.awards()) >= expected, DELIVERY_SECONDS)
    assert arrived, f"only {len(flow.awards())} of {expected} completions awarded XP"
    assert wait_for(lambda: flow.unpublished("quest") == 0, DELIVERY_SECONDS)
    claims, awards = Counter(flow.claims()), Counter(flow.awards())
    assert set(claims) == set(completions)
    assert set(awards) == set(completions)
    assert max(claims.values()) == 1
    assert max(awards.values()) == 1


def test_all_in_one_on_sqlite_awards_each_completion_once(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    flow = EventFlow(f"sqlite:///{tmp_path / 'questlog.db'}")
    try:
        complete_quests(server.base_url, 5)
        assert_each_consumed_once(flow, 5)
    finally:
        flow.close()
        stop_server(server)


def test_all_in_one_on_sqlite_feeds_the_ai_read_model_from_quest_events(tmp_path: Path) -> None:
    """The AI service never reads the quest tables: what it ranks and counts arrives as quest
    events through the outbox, the relay and its consumer."""
    server = start_server(tmp_path)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
            headers = bearer(sign_up(client, f"player-{uuid.uuid4().hex[:8]}@example.com"))
            open_ids = {create_quest(client, headers, f"Open {i}") for i in range(2)}
            finished = create_quest(client, headers, "Finished")
            done = client.post(f"/api/v1/quests/{finished}/complete", headers=headers)
            assert done.status_code == 200, done.text

            def ranked() -> set[str]:
                answer = client.post("/api/v1/ai/prioritize", json={}, headers=headers)
                assert answer.status_code == 200, answer.text
                return {item["id"] for item in answer.json()["items"]}

            def completed() -> int:
                answer = client.get("/api/v1/ai/insights", headers=headers)
                assert answer.status_code == 200, answer.text
                return int(answer.json()["completed"])

            assert wait_for(lambda: ranked() == open_ids, DELIVERY_SECONDS), ranked()
            assert wait_for(lambda: completed() == 1, DELIVERY_SECONDS), completed()
    finally:
        stop_server(server)


# -- separate processes on PostgreSQL ----------------------------------------------------------


@pytest.fixture
def database(postgres_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test alone (a copy of the template)."""
    from adapters.sql.scratch import drop_database
    from tests.support.databases import copy_database

    url = copy_database(postgres_template, "events")
    try:
        yield url
    finally:
        drop_database(url)


class System:
    """``serve auth`` (to sign up), ``serve quest`` and ``questlog worker`` on one database."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        from adapters.security.jwt_tokens import load_signing_key

        self.workdir = workdir
        self.env = {"QUESTLOG_MIGRATE_ON_START": "false", **env}
        # Made once here: the processes below would otherwise race to create it.
        load_signing_key(workdir / "keys" / "jwt.pem", create_if_missing=True)
        self.auth = start_server(workdir, self.env, service="auth")
        self.quest = start_server(workdir, self.env, service="quest")
        self.worker = start_worker(workdir, self.env)
        self.flow = EventFlow(env["QUESTLOG_DATABASE_URL"])

    def complete_quests(self, count: int) -> list[str]:
        with httpx.Client(timeout=30.0) as client:
            auth = httpx.Client(base_url=self.auth.base_url, timeout=30.0)
            with auth:
                headers = bearer(sign_up(auth, f"player-{uuid.uuid4().hex[:8]}@example.com"))
            client.base_url = httpx.URL(self.quest.base_url)
            ids = [create_quest(client, headers, f"Quest {i}") for i in range(count)]
            for quest_id in ids:
                done = client.post(f"/api/v1/quests/{quest_id}/complete", headers=headers)
                assert done.status_code == 200, done.text
        return ids

    def restart_worker(self) -> None:
        self.worker = start_worker(self.workdir, self.env)

    def stop(self) -> None:
        self.flow.close()
        if self.worker.process.poll() is None:
            stop_worker(self.worker)
        stop_server(self.quest)
        stop_server(self.auth)


def run_id() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def redis_system(tmp_path: Path, database: str, redis_url: str) -> Iterator[System]:
    prefix = run_id()
    system = System(
        tmp_path,
        {
            "QUESTLOG_DATABASE_URL": database,
            "QUESTLOG_BROKER": "redis",
            "QUESTLOG_REDIS_URL": redis_url,
            "QUESTLOG_REDIS_KEY_PREFIX": prefix,
            "QUESTLOG_QUEUE_PREFIX": prefix,
        },
    )
    try:
        yield system
    finally:
        system.stop()
        _forget_redis_keys(redis_url, prefix)


def _forget_redis_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def rabbitmq_system(tmp_path: Path, database: str, amqp_url: str) -> Iterator[System]:
    prefix = run_id()
    system = System(
        tmp_path,
        {
            "QUESTLOG_DATABASE_URL": database,
            "QUESTLOG_BROKER": "rabbitmq",
            "QUESTLOG_AMQP_URL": amqp_url,
            "QUESTLOG_QUEUE_PREFIX": prefix,
        },
    )
    try:
        yield system
    finally:
        system.stop()
        _delete_queues(amqp_url, prefix)


def _delete_queues(amqp_url: str, prefix: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(f"{prefix}_gamification{suffix}")
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.redis
def test_quest_service_and_worker_on_redis_award_each_completion_once(
    redis_system: System,
) -> None:
    redis_system.complete_quests(5)
    assert_each_consumed_once(redis_system.flow, 5)


@pytest.mark.postgres
@pytest.mark.amqp
def test_quest_service_and_worker_on_rabbitmq_award_each_completion_once(
    rabbitmq_system: System,
) -> None:
    rabbitmq_system.complete_quests(5)
    assert_each_consumed_once(rabbitmq_system.flow, 5)


@pytest.mark.postgres
@pytest.mark.amqp
def test_a_worker_killed_mid_batch_and_restarted_applies_each_effect_once(
    rabbitmq_system: System,
) -> None:
    system = rabbitmq_system
    stop_worker(system.worker)  # let completions pile up, so the next worker has a batch
    system.complete_quests(40)
    assert system.flow.awards() == []
    assert system.flow.unpublished("quest") >= 40  # created and completed, all waiting

    system.restart_worker()
    started = wait_for(lambda: len(system.flow.awards()) > 0, DELIVERY_SECONDS, poll=0.01)
    assert started, "the restarted worker consumed nothing"
    os.kill(system.worker.process.pid, signal.SIGKILL)
    system.worker.process.wait()
    assert len(system.flow.awards()) < 40, "the worker finished before it could be killed"

    system.restart_worker()
    assert_each_consumed_once(system.flow, 40)


@pytest.mark.postgres
def test_completions_while_the_broker_is_down_succeed_and_arrive_once_after(
    tmp_path: Path, database: str
) -> None:
    from tests.support.private_redis import PrivateRedis

    broker_dir = tmp_path / "redis"
    broker_dir.mkdir()
    broker = PrivateRedis(broker_dir)
    broker.start()
    workdir = tmp_path / "system"
    workdir.mkdir()
    system = System(
        workdir,
        {
            "QUESTLOG_DATABASE_URL": database,
            "QUESTLOG_BROKER": "redis",
            "QUESTLOG_REDIS_URL": broker.url,
        },
    )
    try:
        system.complete_quests(3)
        assert_each_consumed_once(system.flow, 3)

        broker.stop()
        system.complete_quests(10)  # every call answers 200 (asserted inside)
        assert len(system.flow.awards()) == 3
        assert system.flow.unpublished("quest") >= 10

        broker.start()
        assert_each_consumed_once(system.flow, 13)
    finally:
        system.stop()
        broker.stop()
