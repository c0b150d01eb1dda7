"""Ports: the ``typing.Protocol`` shapes the domain needs from the outside world.

Grouped by area: :mod:`.platform` (clock, ids, events, cache, rate limits, files, email, push),
:mod:`.quests` (quest repositories and the quest unit of work), :mod:`.gamification`
(ledger, streaks, achievements, leaderboards), :mod:`.identity`, :mod:`.ai`.
"""

from questlog_core.ports.platform import (
    Cache,
    Clock,
    EmailMessage,
    EmailSender,
    EventPublisher,
    FileStorage,
    IdFactory,
    PushMessage,
    PushSender,
    RateDecision,
    RateLimiter,
    StoredFile,
)

__all__ = [
    "Cache",
    "Clock",
    "EmailMessage",
    "EmailSender",
    "EventPublisher",
    "FileStorage",
    "IdFactory",
    "PushMessage",
    "PushSender",
    "RateDecision",
    "RateLimiter",
    "StoredFile",
]
