"""Reading what the event flow did, straight from the database of a running system.

Counts are what the tests assert: the ``quest.completed`` events committed to the quest
outbox (and how many still wait), the gamification inbox's claims and the XP ledger's awards,
each keyed by event id, so "exactly once" is a comparison of two lists.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import create_engine, text

T = TypeVar("T")


class EventFlow:
    """Queries over one Questlog database (SQLite file or PostgreSQL)."""

    def __init__(self, database_url: str) -> None:
        url = database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self._engine = create_engine(url)
        self._schema = "" if url.startswith("sqlite") else "{s}."

    def _table(self, service: str, name: str) -> str:
        return self._schema.format(s=service) + f"{service}_{name}"

    def _column(self, sql: str) -> list[str]:
        with self._engine.connect() as connection:
            return [str(row[0]) for row in connection.execute(text(sql))]

    def _ids(self, sql: str) -> list[str]:
        # One spelling whatever the database stores (SQLite: 32 hex digits, no dashes).
        return [str(uuid.UUID(value)) for value in self._column(sql)]

    def completions(self) -> list[str]:
        """Event ids of every ``quest.completed`` committed to the quest outbox."""
        return self._ids(
            f"SELECT event_id FROM {self._table('quest', 'outbox')} "
            "WHERE event_type LIKE 'quest.completed.%'"
        )

    def unpublished(self, service: str = "quest") -> int:
        """Committed events of ``service`` not yet published."""
        return int(
            self._column(
                f"SELECT count(*) FROM {self._table(service, 'outbox')} WHERE published_at IS NULL"
            )[0]
        )

    def claims(self) -> list[str]:
        """Event ids the gamification consumer claimed in its inbox, leaving out the identity
        events (from the auth outbox) it also follows."""
        return self._ids(
            f"SELECT event_id FROM {self._table('gamification', 'inbox')} "
            "WHERE consumer = 'gamification' AND event_id NOT IN "
            f"(SELECT event_id FROM {self._table('auth', 'outbox')})"
        )

    def awards(self) -> list[str]:
        """The source event of every XP award in the ledger (one row per award)."""
        return self._ids(
            f"SELECT source_event_id FROM {self._table('gamification', 'ledger')} "
            "WHERE kind = 'award'"
        )

    def close(self) -> None:
        self._engine.dispose()


def wait_for(condition: Callable[[], T], timeout: float, poll: float = 0.1) -> T:
    """Poll ``condition`` until it returns something truthy; its last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(poll)
        value = condition()
    return value
