"""Moved to :mod:`questlog_core.gamification.use_cases.awards`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.events import XpAdjusted as XpAdjusted
from questlog_core.gamification.ledger import EntryKind as EntryKind
from questlog_core.gamification.ledger import LedgerEntry as LedgerEntry
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.streaks import local_day as local_day
from questlog_core.gamification.use_cases.awards import MAX_ADJUSTMENT as MAX_ADJUSTMENT
from questlog_core.gamification.use_cases.awards import AwardOutcome as AwardOutcome
from questlog_core.gamification.use_cases.awards import AwardXp as AwardXp
from questlog_core.gamification.use_cases.awards import award_xp as award_xp
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "DEFAULT_RULES",
    "MAX_ADJUSTMENT",
    "AwardOutcome",
    "AwardXp",
    "award_xp",
]
