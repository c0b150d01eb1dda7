"""The AI context's queries as messages for the bus, and the handler of each.

Every AI route only reads (previews, rankings, figures: nothing is created), so each of its
messages is a query, answered with the AI read model's unit of work; once answered, the one
command, :class:`RecordFeatureUse`, puts an ``AiFeatureUsed`` event in the AI outbox. Five of
the queries are the use cases' own query structs (re-exported here); :class:`GetInsights` and
:class:`Analyze` wrap the two use cases that take plain arguments. :func:`handlers` binds each
to its use case with the ports injected at bootstrap (see :mod:`questlog_core.ai.bootstrap`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from questlog_core.ai.breakdown import BreakDown, BreakdownPreview, break_down
from questlog_core.ai.classify import Classified, ClassifyQuest, classify
from questlog_core.ai.events import AiFeatureUsed
from questlog_core.ai.insights import (
    Analysis,
    Insights,
    Suggest,
    Suggestions,
    analyze,
    insights,
    suggest,
    zone_named,
)
from questlog_core.ai.ports import AiUnitOfWork, Embedder, LanguageModel, VectorIndex
from questlog_core.ai.quick_add import QuickAdd as QuickAddLine
from questlog_core.ai.quick_add import QuickAdded, quick_add
from questlog_core.ai.ranking import Prioritize, Prioritized, RankableQuest, prioritize
from questlog_core.ai.zones import player_zone
from questlog_core.kernel.ids import EventId, UserId

__all__ = [
    "QUERIES",
    "Analyze",
    "BreakDown",
    "ClassifyQuest",
    "GetInsights",
    "Prioritize",
    "QuickAdd",
    "RankableQuest",
    "RecordFeatureUse",
    "Suggest",
    "handlers",
]


class QuickAdd(msgspec.Struct, frozen=True, kw_only=True):
    """One line of text read as a quest draft, in ``timezone`` (``None``: the owner's profile
    time zone, learnt from identity events; UTC when unknown)."""

    owner: UserId
    text: str
    now: datetime
    timezone: str | None = None


class GetInsights(msgspec.Struct, frozen=True, kw_only=True):
    """The owner's completion figures over the last ``window_days`` days in ``timezone``
    (``None``: the owner's profile time zone)."""

    owner: UserId
    now: datetime
    timezone: str | None = None
    window_days: int = 30


class Analyze(msgspec.Struct, frozen=True, kw_only=True):
    """The insights plus a short narrative by the language model (``timezone`` as in
    :class:`GetInsights`)."""

    owner: UserId
    now: datetime
    timezone: str | None = None
    window_days: int = 30


class RecordFeatureUse(msgspec.Struct, frozen=True, kw_only=True):
    """``owner`` was answered by the AI ``feature`` at ``at``: publish
    :class:`~questlog_core.ai.events.AiFeatureUsed` (through the AI outbox) for analytics.
    The one command: dispatched after the answer was sent, never before it."""

    event_id: EventId
    owner: UserId
    feature: str
    at: datetime


#: every AI message but :class:`RecordFeatureUse` (all of them only read)
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {BreakDown, ClassifyQuest, QuickAdd, Suggest, Prioritize, GetInsights, Analyze}
)

Handler = Callable[[Any, AiUnitOfWork], Awaitable[Any]]


def handlers(
    *,
    model: Callable[[], LanguageModel],
    embedder: Callable[[], Embedder],
    index: Callable[[], VectorIndex],
) -> dict[type[msgspec.Struct], Handler]:
    """Every AI query mapped to its use case. The ports are asked for on every message (the
    container's providers), so a language model the operator or a test replaced is used at
    once."""

    async def breakdown(q: BreakDown, uow: AiUnitOfWork) -> BreakdownPreview:
        return await break_down(q, model())

    async def classification(q: ClassifyQuest, uow: AiUnitOfWork) -> Classified:
        return await classify(q, uow, model(), embedder(), index())

    async def quick(q: QuickAdd, uow: AiUnitOfWork) -> QuickAdded:
        if q.timezone is not None:
            zone_named(q.timezone)  # an unknown zone is a 422 naming the field
        zone = await player_zone(q.owner, uow, q.timezone)
        line = QuickAddLine(owner=q.owner, text=q.text, now=q.now, timezone=zone)
        return await quick_add(line, model())

    async def suggestions(q: Suggest, uow: AiUnitOfWork) -> Suggestions:
        return await suggest(q, uow, embedder(), index())

    async def ranking(q: Prioritize, uow: AiUnitOfWork) -> Prioritized:
        return await prioritize(q, uow, model())

    async def figures(q: GetInsights, uow: AiUnitOfWork) -> Insights:
        zone = await player_zone(q.owner, uow, q.timezone)
        return await insights(q.owner, uow, now=q.now, timezone=zone, window_days=q.window_days)

    async def analysis(q: Analyze, uow: AiUnitOfWork) -> Analysis:
        zone = await player_zone(q.owner, uow, q.timezone)
        return await analyze(
            q.owner, uow, model(), now=q.now, timezone=zone, window_days=q.window_days
        )

    async def used(c: RecordFeatureUse, uow: AiUnitOfWork) -> None:
        async with uow:
            uow.record(
                AiFeatureUsed(
                    event_id=c.event_id, occurred_at=c.at, owner=c.owner, feature=c.feature
                )
            )
            await uow.commit()

    return {
        RecordFeatureUse: used,
        BreakDown: breakdown,
        ClassifyQuest: classification,
        QuickAdd: quick,
        Suggest: suggestions,
        Prioritize: ranking,
        GetInsights: figures,
        Analyze: analysis,
    }
