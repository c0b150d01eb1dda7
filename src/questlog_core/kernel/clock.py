"""Time and identity, the two ports every context's rules depend on.

Rules never read the system clock or mint random ids themselves: both come in through these
ports, so every rule is deterministic under test.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID


@runtime_checkable
class Clock(Protocol):
    """The current time, always timezone-aware UTC."""

    def now(self) -> datetime: ...


@runtime_checkable
class IdFactory(Protocol):
    """Mints new unique ids."""

    def new_id(self) -> UUID: ...


__all__ = ["Clock", "IdFactory"]
