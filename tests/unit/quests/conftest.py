"""Fixtures for the quest unit tests: an in-memory store, a fixed clock and predictable ids."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from adapters.memory import FixedClock, InMemoryQuestStore, SequentialIds
from questlog_core.ids import UserId

START = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def store() -> InMemoryQuestStore:
    return InMemoryQuestStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds(1000)


@pytest.fixture
def alice() -> UserId:
    return UserId(UUID(int=1))


@pytest.fixture
def bob() -> UserId:
    return UserId(UUID(int=2))
