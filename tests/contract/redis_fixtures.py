"""Fixtures for the Redis-backed contract suites (imported explicitly by those modules).

Each test gets its own key prefix (``qltest-<random>``), so runs and parallel workers never
collide in the shared database, and every key under it is deleted afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from adapters.redis.client import KeySpace


@pytest.fixture
def redis_keys(redis_url: str) -> Iterator[KeySpace]:
    """A key space no other test uses; its keys are removed after the test."""
    keys = KeySpace(prefix=f"qltest-{uuid.uuid4().hex[:12]}")
    yield keys
    cleanup = redis.Redis.from_url(redis_url)
    try:
        doomed = list(cleanup.scan_iter(match=keys.pattern(), count=1000))
        if doomed:
            cleanup.delete(*doomed)
    finally:
        cleanup.close()


__all__ = ["redis_keys"]
