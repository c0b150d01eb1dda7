"""Request bodies of the AI service (msgspec Structs; unknown fields are refused).

Responses are the AI use cases' own result Structs (:mod:`questlog_core.ai`), re-exported
here, so the API shows exactly what the use cases answer. Every response that involved a
language model has a ``model`` object: ``provider`` (``openai``, ``anthropic`` or ``local``),
``model``, ``degraded`` (true exactly when the local rule-based fallback answered) and
``fell_back_from`` (providers tried first).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from questlog_core.ai.breakdown import BreakdownPreview
from questlog_core.ai.classify import Classified
from questlog_core.ai.insights import Analysis, Insights, Suggestions
from questlog_core.ai.quick_add import QuickAdded
from questlog_core.ai.ranking import Prioritized

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=5_000)]
TimeZone = Annotated[str, msgspec.Meta(max_length=64, examples=["Europe/Berlin"])]
PolicyName = Literal[
    "urgency", "taskwarrior", "slack", "eisenhower", "wsjf", "dependency-value", "learned",
    "ensemble",
]  # fmt: skip


class QuestToRank(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A quest sent to be ranked (the caller's own data; nothing is stored)."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    title: Title
    due: datetime | None = None
    priority: Annotated[int, msgspec.Meta(ge=0, le=4)] = 0
    difficulty: Literal["trivial", "easy", "medium", "hard", "epic"] = "medium"
    estimate_minutes: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    progress: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=20)
    ] = msgspec.field(default_factory=list)
    category: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    scheduled: datetime | None = None
    wait_until: datetime | None = None
    depends_on: Annotated[list[str], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class PrioritizeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Rank ``quests`` if given; else the caller's open quests from the read model (all, or
    those named by ``quest_ids``)."""

    policy: PolicyName = "urgency"
    quests: Annotated[list[QuestToRank], msgspec.Meta(max_length=10_000)] | None = None
    quest_ids: Annotated[list[UUID], msgspec.Meta(max_length=10_000)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] | None = None
    #: re-rank the top k with the language model (0: no model is asked)
    rerank_top: Annotated[int, msgspec.Meta(ge=0, le=20)] = 0


class BreakdownIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: Title
    notes: Notes = ""
    difficulty: Literal["trivial", "easy", "medium", "hard", "epic"] = "medium"
    estimate_minutes: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    granularity: Literal["coarse", "normal", "fine"] = "normal"


class ClassifyIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: Title
    notes: Notes = ""


class QuickAddIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    #: an IANA time zone to read dates and times in (default: the profile's time zone)
    timezone: TimeZone | None = None


class SuggestIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    minutes: Annotated[int, msgspec.Meta(ge=1, le=24 * 60)]
    energy: Literal["low", "medium", "high"] = "medium"
    limit: Annotated[int, msgspec.Meta(ge=1, le=20)] = 3
    #: the title of a quest being planned: adds similar past quests and likely duplicates
    title: Title | None = None
    #: also suggest templates for quests done again and again
    templates: bool = False


class AnalyzeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: an IANA time zone for the hour and weekday buckets (default: the profile's)
    timezone: TimeZone | None = None
    days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30


__all__ = [
    "Analysis",
    "AnalyzeIn",
    "BreakdownIn",
    "BreakdownPreview",
    "Classified",
    "ClassifyIn",
    "Insights",
    "PrioritizeIn",
    "Prioritized",
    "QuestToRank",
    "QuickAddIn",
    "QuickAdded",
    "SuggestIn",
    "Suggestions",
]
