"""Moved to :mod:`questlog_core.gamification.use_cases._internals`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.achievements import Achievement as Achievement
from questlog_core.gamification.achievements import AchievementProgress as AchievementProgress
from questlog_core.gamification.events import AchievementUnlocked as AchievementUnlocked
from questlog_core.gamification.events import LevelLost as LevelLost
from questlog_core.gamification.events import LevelReached as LevelReached
from questlog_core.gamification.events import StreakBroken as StreakBroken
from questlog_core.gamification.events import StreakExtended as StreakExtended
from questlog_core.gamification.events import StreakFrozen as StreakFrozen
from questlog_core.gamification.events import XpAdjusted as XpAdjusted
from questlog_core.gamification.leaderboards import BoardEntry as BoardEntry
from questlog_core.gamification.ledger import EntryKind as EntryKind
from questlog_core.gamification.ledger import LedgerEntry as LedgerEntry
from questlog_core.gamification.ledger import live_awards as live_awards
from questlog_core.gamification.players import Player as Player
from questlog_core.gamification.players import default_display_name as default_display_name
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.streaks import DayOutcome as DayOutcome
from questlog_core.gamification.streaks import local_day as local_day
from questlog_core.gamification.streaks import zone as zone
from questlog_core.gamification.use_cases.outcomes import Profile as Profile
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import UserId as UserId
