"""Moved to :mod:`questlog_core.gamification.use_cases.outcomes`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.ledger import LedgerEntry as LedgerEntry
from questlog_core.gamification.ledger import Multiplier as Multiplier
from questlog_core.gamification.streaks import DayOutcome as DayOutcome
from questlog_core.gamification.use_cases.outcomes import CompletionOutcome as CompletionOutcome
from questlog_core.gamification.use_cases.outcomes import Profile as Profile
from questlog_core.gamification.use_cases.outcomes import ReopenOutcome as ReopenOutcome
from questlog_core.gamification.use_cases.outcomes import RolloverOutcome as RolloverOutcome
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "CompletionOutcome",
    "Profile",
    "ReopenOutcome",
    "RolloverOutcome",
]
