"""Moved to :mod:`questlog_core.gamification.use_cases.quest_events`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.achievements import CompletionFacts as CompletionFacts
from questlog_core.gamification.events import XpAwarded as XpAwarded
from questlog_core.gamification.events import XpReversed as XpReversed
from questlog_core.gamification.ledger import EntryKind as EntryKind
from questlog_core.gamification.ledger import LedgerEntry as LedgerEntry
from questlog_core.gamification.ledger import award_key as award_key
from questlog_core.gamification.ledger import live_awards as live_awards
from questlog_core.gamification.ledger import reversal_key as reversal_key
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.streaks import credit_key as credit_key
from questlog_core.gamification.streaks import local_day as local_day
from questlog_core.gamification.streaks import zone as zone
from questlog_core.gamification.use_cases.outcomes import CompletionOutcome as CompletionOutcome
from questlog_core.gamification.use_cases.outcomes import ReopenOutcome as ReopenOutcome
from questlog_core.gamification.use_cases.quest_events import CONSUMER as CONSUMER
from questlog_core.gamification.use_cases.quest_events import (
    handle_quest_completed as handle_quest_completed,
)
from questlog_core.gamification.use_cases.quest_events import (
    handle_quest_reopened as handle_quest_reopened,
)
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.gamification.xp import CompletionContext as CompletionContext
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.quests.events import QuestCompleted as QuestCompleted
from questlog_core.quests.events import QuestReopened as QuestReopened

__all__ = [
    "CONSUMER",
    "DEFAULT_RULES",
    "handle_quest_completed",
    "handle_quest_reopened",
]
