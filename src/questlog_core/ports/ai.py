"""Moved to :mod:`questlog_core.ai.ports`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.ai.ports import AiUnitOfWork as AiUnitOfWork
from questlog_core.ai.ports import Embedder as Embedder
from questlog_core.ai.ports import LanguageModel as LanguageModel
from questlog_core.ai.ports import LanguageModelUnavailable as LanguageModelUnavailable
from questlog_core.ai.ports import LlmAnswer as LlmAnswer
from questlog_core.ai.ports import LlmRequest as LlmRequest
from questlog_core.ai.ports import PlayerZones as PlayerZones
from questlog_core.ai.ports import ProviderFailure as ProviderFailure
from questlog_core.ai.ports import QuestView as QuestView
from questlog_core.ai.ports import QuestViews as QuestViews
from questlog_core.ai.ports import Spend as Spend
from questlog_core.ai.ports import T as T
from questlog_core.ai.ports import TokenTotals as TokenTotals
from questlog_core.ai.ports import TokenUsage as TokenUsage
from questlog_core.ai.ports import TokenUsageLedger as TokenUsageLedger
from questlog_core.ai.ports import TokenUsageRecord as TokenUsageRecord
from questlog_core.ai.ports import VectorIndex as VectorIndex
from questlog_core.ai.ports import VectorMatch as VectorMatch
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "AiUnitOfWork",
    "Embedder",
    "LanguageModel",
    "LanguageModelUnavailable",
    "LlmAnswer",
    "LlmRequest",
    "PlayerZones",
    "ProviderFailure",
    "QuestView",
    "QuestViews",
    "Spend",
    "TokenTotals",
    "TokenUsage",
    "TokenUsageLedger",
    "TokenUsageRecord",
    "VectorIndex",
    "VectorMatch",
]
