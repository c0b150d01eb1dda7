"""Clocks and id factories: the real ones and deterministic ones for tests and demos."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID


class SystemClock:
    """Wall-clock UTC time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class RandomIds:
    """UUID4s from the operating system's CSPRNG."""

    def new_id(self) -> UUID:
        return uuid.uuid4()


class SequentialIds:
    """Predictable ids (``00000000-...-000000000001``, ...) for tests."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def new_id(self) -> UUID:
        value = UUID(int=self._next)
        self._next += 1
        return value
