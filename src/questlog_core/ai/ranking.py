"""Prioritize: rank the caller's quests with a chosen policy, optionally re-ranked by a model.

Quests come either in the request (any shape a client can send: :class:`RankableQuest`) or,
when the request has none, from the caller's open quests in the AI service's read model. A
request may also name read-model quests by id (``quest_ids``): an id the caller does not own
is :class:`~questlog_core.errors.QuestNotFound`, never someone else's quest.

Every item carries its score, its own score (its merits without what the plan adds) and each
factor's contribution. With ``rerank_top = k`` the top ``k`` go to the language model, which
answers an order with a one-line reason each; the answer is untrusted (ids it was not shown are
dropped with :func:`~questlog_core.ai.prompts.keep_owned`, quests it left out keep their
policy order after those it placed). The local fallback keeps the policy's order and gives the
largest factor as the reason, labelled ``degraded``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import msgspec
import numpy as np

from questlog_core.ai.ports import AiUnitOfWork, LanguageModel, LlmRequest, QuestView
from questlog_core.ai.prompts import PromptBuilder, keep_owned
from questlog_core.errors import QuestNotFound, ValidationFailed
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.prioritization import (
    DIFFICULTIES,
    POLICY_NAMES,
    PRIORITIES,
    RankingInput,
    policy_named,
)

__all__ = [
    "ModelUse",
    "Prioritize",
    "Prioritized",
    "RankableQuest",
    "RankedQuest",
    "Rerank",
    "RerankItem",
    "local_rerank",
    "prioritize",
    "ranking_input",
    "ranking_records",
    "sent_records",
    "views_input",
]

MAX_RERANK = 20


class RankableQuest(msgspec.Struct, frozen=True, kw_only=True):
    """A quest to rank, as a client sends it (all but ``id`` and ``title`` optional)."""

    id: str
    title: str
    due: datetime | None = None
    priority: int = 0
    difficulty: str = "medium"
    estimate_minutes: int | None = None
    progress: int = 0
    tags: tuple[str, ...] = ()
    category: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    scheduled: datetime | None = None
    wait_until: datetime | None = None
    #: ids of open prerequisites among the quests sent
    depends_on: tuple[str, ...] = ()


class Prioritize(msgspec.Struct, frozen=True, kw_only=True):
    """Rank quests for ``owner`` at ``now``."""

    owner: UserId
    now: datetime
    policy: str = "urgency"
    quests: tuple[RankableQuest, ...] | None = None
    quest_ids: tuple[QuestId, ...] | None = None
    limit: int | None = None
    rerank_top: int = 0


class RankedQuest(msgspec.Struct, frozen=True, kw_only=True):
    """One ranked quest and why it stands where it does."""

    id: str
    title: str
    rank: int
    score: float
    own_score: float
    #: each factor's contribution (they sum to ``score``), largest effect first
    factors: dict[str, float]
    #: the model's (or the local fallback's) one-line reason, for re-ranked quests only
    reason: str | None = None


class ModelUse(msgspec.Struct, frozen=True, kw_only=True):
    """Which provider answered a model step; ``degraded`` when the local fallback did."""

    provider: str
    model: str
    degraded: bool
    fell_back_from: tuple[str, ...] = ()
    cached: bool = False


class Prioritized(msgspec.Struct, frozen=True, kw_only=True):
    policy: str
    source: str
    items: tuple[RankedQuest, ...]
    model: ModelUse | None = None


class RerankItem(msgspec.Struct, frozen=True, kw_only=True):
    id: Annotated[str, msgspec.Meta(max_length=64)]
    reason: Annotated[str, msgspec.Meta(max_length=300)]


class Rerank(msgspec.Struct, frozen=True, kw_only=True):
    """A model's order for the top quests, with a one-line reason each."""

    order: list[RerankItem]


def views_input(views: Sequence[QuestView]) -> RankingInput:
    """The ranking input of open read-model quests (see :func:`ranking_input`)."""
    return ranking_input(
        [str(v.quest_id) for v in views], views, [[str(q) for q in v.depends_on] for v in views]
    )


def ranking_records(views: list[QuestView]) -> list[dict[str, Any]]:
    """Ranking records of open read-model quests (finished prerequisites drop out)."""
    return [
        {
            "key": str(v.quest_id),
            "due": v.due,
            "created": v.created_at,
            "started": v.started_at,
            "priority": v.priority,
            "difficulty": v.difficulty,
            "estimate_minutes": v.estimate_minutes,
            "progress": v.progress,
            "tags": v.tags,
            "category": v.category,
            "depends_on": [str(q) for q in v.depends_on],
        }
        for v in views
    ]


def sent_records(quests: tuple[RankableQuest, ...]) -> list[dict[str, Any]]:
    """Ranking records of quests a client sent."""
    return [
        {
            "key": q.id,
            "due": q.due,
            "created": q.created_at,
            "started": q.started_at,
            "scheduled": q.scheduled,
            "wait_until": q.wait_until,
            "priority": q.priority,
            "difficulty": q.difficulty,
            "estimate_minutes": q.estimate_minutes,
            "progress": q.progress,
            "tags": q.tags,
            "category": q.category,
            "depends_on": list(q.depends_on),
        }
        for q in quests
    ]


_DIFFICULTY_INDEX = {name: i for i, name in enumerate(DIFFICULTIES)}


def _epoch(moment: datetime | None) -> float:
    return math.nan if moment is None else moment.timestamp()


def ranking_input(
    keys: Sequence[str],
    quests: Sequence[RankableQuest] | Sequence[QuestView],
    prerequisites: Sequence[Sequence[str]],
) -> RankingInput:
    """The same input :meth:`RankingInput.from_records` builds from :func:`sent_records` or
    :func:`ranking_records`, built column by column (a quarter of the time at 10k quests).

    ``prerequisites[i]`` are the keys quest ``i`` waits on; keys not among ``keys`` are
    finished (or not the caller's) and ignored.
    """
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValidationFailed("key", f"duplicate quest key {dup!r}")
    position = {k: i for i, k in enumerate(keys)}
    src: list[int] = []
    dst: list[int] = []
    for i, waits_on in enumerate(prerequisites):
        for key in waits_on:
            j = position.get(key)
            if j is not None:
                src.append(j)
                dst.append(i)
    difficulty: list[int] = []
    for q in quests:
        level = _DIFFICULTY_INDEX.get(q.difficulty)
        if level is None:
            raise ValidationFailed("difficulty", f"expected one of {DIFFICULTIES}")
        difficulty.append(level)
    for q in quests:
        if not 0 <= q.priority < len(PRIORITIES):
            raise ValidationFailed("priority", f"expected 0..{len(PRIORITIES) - 1}")
    return RankingInput.from_columns(
        keys,
        due=[_epoch(q.due) for q in quests],
        created=[_epoch(q.created_at) for q in quests],
        started=[_epoch(q.started_at) for q in quests],
        scheduled=[_epoch(getattr(q, "scheduled", None)) for q in quests],
        wait_until=[_epoch(getattr(q, "wait_until", None)) for q in quests],
        priority=[q.priority for q in quests],
        difficulty=difficulty,
        estimate_minutes=[
            math.nan if q.estimate_minutes is None else float(q.estimate_minutes) for q in quests
        ],
        progress=[q.progress / 100.0 for q in quests],
        tags=[q.tags for q in quests],
        categories=[q.category for q in quests],
        src=src,
        dst=dst,
    )


def local_rerank(request: LlmRequest) -> Rerank:
    """The labelled fallback: the policy's order, each reason its largest factor."""
    quests = request.data.get("quests", [])
    order: list[RerankItem] = []
    for item in quests if isinstance(quests, list) else []:
        factors = item.get("factors") or {}
        if factors:
            name, value = max(factors.items(), key=lambda kv: abs(kv[1]))
            reason = f"policy order; largest factor: {name} ({value:+.2f})"
        else:
            reason = "policy order; no factor stands out"
        order.append(RerankItem(id=str(item["id"]), reason=reason))
    return Rerank(order=order)


async def prioritize(query: Prioritize, uow: AiUnitOfWork, model: LanguageModel) -> Prioritized:
    """The ranking (see the module docstring)."""
    if query.policy not in POLICY_NAMES:
        raise ValidationFailed("policy", f"unknown policy; choose one of {', '.join(POLICY_NAMES)}")
    if query.quests is not None and query.quest_ids is not None:
        raise ValidationFailed("quests", "send quests or quest_ids, not both")
    titles: dict[str, str]
    if query.quests is not None:
        keys = [q.id for q in query.quests]
        data = ranking_input(keys, query.quests, [q.depends_on for q in query.quests])
        titles = {q.id: q.title for q in query.quests}
        source = "request"
    else:
        async with uow:
            views = await uow.quest_views.of_owner(query.owner, open_only=True)
        if query.quest_ids is not None:
            mine = {v.quest_id: v for v in views}
            missing = [q for q in query.quest_ids if q not in mine]
            if missing:
                raise QuestNotFound(missing[0])
            views = [mine[q] for q in dict.fromkeys(query.quest_ids)]
        data = views_input(views)
        titles = {str(v.quest_id): v.title for v in views}
        source = "read-model"
    ranking = policy_named(query.policy).rank(data, query.now)
    own = ranking.own_scores()
    limit = len(ranking) if query.limit is None else min(query.limit, len(ranking))
    chosen = ranking.order[:limit]
    # One pass over the chosen rows as Python lists (what Ranking.explain gives per quest,
    # without its per-quest search of the order: 10k explanations would be O(N²)). Each row's
    # factors, largest share first, are ordered by numpy in one call for all rows (a stable
    # sort, so equal shares keep the policy's factor order), not by a sort per quest.
    contributions = ranking.contributions[chosen]
    by_share = np.argsort(-np.abs(contributions), axis=1, kind="stable")
    shares = np.take_along_axis(contributions, by_share, axis=1).tolist()
    scores = ranking.scores[chosen].tolist()
    owns = own[chosen].tolist()
    names = ranking.factors
    ranked_keys = ranking.keys
    items: list[RankedQuest] = [
        RankedQuest(
            id=ranked_keys[i],
            title=titles[ranked_keys[i]],
            rank=position,
            score=score,
            own_score=own_score,
            factors={names[f]: v for f, v in zip(order, values, strict=True) if v != 0},
        )
        for position, (i, order, values, score, own_score) in enumerate(
            zip(chosen.tolist(), by_share.tolist(), shares, scores, owns, strict=True), start=1
        )
    ]
    used: ModelUse | None = None
    k = min(query.rerank_top, MAX_RERANK, len(items))
    if k > 0:
        items, used = await _rerank(items, k, query.owner, model)
    return Prioritized(policy=ranking.policy, source=source, items=tuple(items), model=used)


async def _rerank(
    items: list[RankedQuest], k: int, owner: UserId, model: LanguageModel
) -> tuple[list[RankedQuest], ModelUse]:
    top = items[:k]
    shown = [
        {
            "id": q.id,
            "title": q.title,
            "score": round(q.score, 3),
            "factors": {f: round(v, 3) for f, v in q.factors.items()},
        }
        for q in top
    ]
    request = (
        PromptBuilder(
            "You help a person decide which of their tasks to do first. You are given tasks "
            "already ranked by a scoring policy, with each factor's contribution."
        )
        .say(
            f"Re-order these {k} tasks into the order you would do them, with one short reason "
            "each (under 20 words). Use only the ids given."
        )
        .data("quests", shown)
        .request(owner=owner, max_output_tokens=800)
    )
    answer = await model.complete(request, Rerank)
    by_id = {q.id: q for q in top}
    placed = keep_owned(answer.value.order, by_id.keys(), key=lambda item: item.id)
    reasons = {
        item.id: item.reason.strip().splitlines()[0] if item.reason.strip() else ""
        for item in placed
    }
    ordered = [by_id[item.id] for item in placed]
    ordered += [q for q in top if q.id not in reasons]
    reranked = [
        msgspec.structs.replace(q, rank=n + 1, reason=reasons.get(q.id) or None)
        for n, q in enumerate(ordered)
    ]
    used = ModelUse(
        provider=answer.provider,
        model=answer.model,
        degraded=answer.degraded,
        fell_back_from=answer.fell_back_from,
        cached=answer.cached,
    )
    return reranked + items[k:], used
