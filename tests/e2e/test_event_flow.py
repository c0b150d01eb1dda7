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
    RunningServer,
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
