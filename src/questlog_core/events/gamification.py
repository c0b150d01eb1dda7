"""Events raised by the game: XP, levels, streaks, achievements."""

from __future__ import annotations

from questlog_core.events import DomainEvent, register  # noqa: F401
