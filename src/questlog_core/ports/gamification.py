"""Moved to :mod:`questlog_core.gamification.ports`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.achievements import AchievementProgress as AchievementProgress
from questlog_core.gamification.leaderboards import Board as Board
from questlog_core.gamification.leaderboards import BoardEntry as BoardEntry
from questlog_core.gamification.leaderboards import BoardRow as BoardRow
from questlog_core.gamification.ledger import LedgerEntry as LedgerEntry
from questlog_core.gamification.players import Player as Player
from questlog_core.gamification.ports import AchievementRepository as AchievementRepository
from questlog_core.gamification.ports import FriendRepository as FriendRepository
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.ports import Leaderboard as Leaderboard
from questlog_core.gamification.ports import PlayerRepository as PlayerRepository
from questlog_core.gamification.ports import ReopenRepository as ReopenRepository
from questlog_core.gamification.ports import ShareRepository as ShareRepository
from questlog_core.gamification.ports import XpLedgerRepository as XpLedgerRepository
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.kernel.messaging import Inbox as Inbox

__all__ = [
    "AchievementRepository",
    "FriendRepository",
    "GamificationUnitOfWork",
    "Inbox",
    "Leaderboard",
    "Player",
    "PlayerRepository",
    "ReopenRepository",
    "ShareRepository",
    "XpLedgerRepository",
]
