"""Ports shared by every context: the platform's (cache, rate limits, files, email, push) and
the revocation feed of access tokens (:mod:`.sessions`).

Each context's own ports moved into its package: ``ports.quests`` is
:mod:`questlog_core.quests.ports`, ``ports.gamification`` :mod:`questlog_core.gamification.ports`,
``ports.identity`` :mod:`questlog_core.identity.ports`, ``ports.ai`` :mod:`questlog_core.ai.ports`;
``Clock``, ``IdFactory``, ``EventPublisher`` and the outbox/inbox (``ports.messaging``) are in
the kernel (:mod:`questlog_core.kernel`). The old paths keep working (they re-export).
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
