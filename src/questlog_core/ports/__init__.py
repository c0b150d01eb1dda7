"""Ports: the ``typing.Protocol`` shapes the domain needs from the outside world.

Grouped by area: :mod:`.platform` (clock, ids, events, cache, rate limits, files, email, push),
:mod:`.quests` (quest repositories and the quest unit of work), :mod:`.gamification`
(ledger, streaks, achievements, leaderboards), :mod:`.identity`, :mod:`.sessions` (the
revocation feed of access tokens), :mod:`.ai`.
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
    PushReceipt,
    PushSender,
    RateDecision,
    RateLimiter,
    StoredFile,
)
from questlog_core.ports.sessions import TokenDenylist

__all__ = [
    "Cache",
    "Clock",
    "EmailMessage",
    "EmailSender",
    "EventPublisher",
    "FileStorage",
    "IdFactory",
    "PushMessage",
    "PushReceipt",
    "PushSender",
    "RateDecision",
    "RateLimiter",
    "StoredFile",
    "TokenDenylist",
]
