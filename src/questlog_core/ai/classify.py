"""Classify: category, tags, difficulty and estimate for a title and notes, with confidence.

The local method reads the user's *own* labelled quests: the new text is embedded, its
nearest neighbours among the user's quests (in the user's namespace of the vector index, and
checked again against the user's read model) vote with their similarity as weight; keyword
rules fill what the neighbours leave open. The language model, when one is configured, sees
the same neighbours as examples (fenced as data) and may do better; its answer is validated
(difficulty and ranges) and labelled with its provider. Without a model the local answer is
returned with ``degraded: true``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Annotated, Any

import msgspec

from questlog_core.ai.ports import AiUnitOfWork, Embedder, LanguageModel, LlmRequest, VectorIndex
from questlog_core.ai.prompts import PromptBuilder, keep_owned
from questlog_core.ai.quick_add import DIFFICULTY_NAMES, difficulty_for
from questlog_core.ai.ranking import ModelUse
from questlog_core.kernel.ids import UserId

__all__ = [
    "Classification",
    "Classified",
    "ClassifyQuest",
    "classify",
    "classify_locally",
    "namespace_of",
]

#: how many of the user's labelled quests are indexed and consulted
NEIGHBOURS = 5
MAX_INDEXED = 2_000

#: keyword → category rules, used when the user's own quests say nothing
RULES: tuple[tuple[str, str], ...] = (
    (r"\b(pay|rent|bill|invoice|tax|taxes|bank|budget|insurance|salary)\b", "finance"),
    (r"\b(gym|run|running|doctor|dentist|workout|yoga|meditat\w*|sleep|walk)\b", "health"),
    (r"\b(clean|laundry|dishes|groceries|cook|vacuum|plants?|bins?|repair)\b", "home"),
    (r"\b(report|meeting|email|deck|slides|review|deploy|client|sprint|invoice)\b", "work"),
    (r"\b(read|study|course|learn|practice|exam|homework|thesis)\b", "learning"),
    (r"\b(call|birthday|gift|dinner|party|visit|mum|mom|dad|friend)\b", "social"),
)


class ClassifyQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    title: str
    notes: str = ""


class Classification(msgspec.Struct, frozen=True, kw_only=True):
    """The answer type asked of a model (and of the local rules)."""

    category: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=10)
    ] = msgspec.field(default_factory=list)
    difficulty: str = "medium"
    estimate_minutes: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    confidence: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 0.0


class Classified(msgspec.Struct, frozen=True, kw_only=True):
    classification: Classification
    #: how many of the user's own quests informed the answer
    neighbours: int
    model: ModelUse


def namespace_of(owner: UserId) -> str:
    """The vector-index namespace of one user's quests."""
    return f"quests:{owner}"


def _text(title: str, notes: str) -> str:
    return f"{title}\n{notes}".strip()


def classify_locally(request: LlmRequest) -> Classification:
    """Nearest neighbours' weighted vote, then keyword rules (the labelled fallback)."""
    quest: Any = request.data.get("quest", {})
    examples: Any = request.data.get("examples", [])
    text = _text(str(quest.get("title", "")), str(quest.get("notes", ""))).lower()
    category_votes: dict[str, float] = defaultdict(float)
    tag_votes: dict[str, float] = defaultdict(float)
    difficulty_votes: dict[str, float] = defaultdict(float)
    estimates: list[tuple[float, float]] = []
    total = 0.0
    for example in examples if isinstance(examples, list) else []:
        weight = max(float(example.get("similarity", 0.0)), 0.0)
        if weight <= 0:
            continue
        total += weight
        if example.get("category"):
            category_votes[str(example["category"])] += weight
        for tag in example.get("tags", ()):
            tag_votes[str(tag)] += weight
        difficulty_votes[str(example.get("difficulty", "medium"))] += weight
        if example.get("estimate_minutes"):
            estimates.append((float(example["estimate_minutes"]), weight))
    category: str | None = None
    confidence = 0.0
    if category_votes:
        category, votes = max(category_votes.items(), key=lambda kv: kv[1])
        confidence = votes / total
    else:
        for pattern, name in RULES:
            if re.search(pattern, text):
                category, confidence = name, 0.35
                break
    tags = sorted((t for t, v in tag_votes.items() if total and v / total >= 0.5), key=str)
    tags += [t for t in re.findall(r"#([\w-]+)", text) if t not in tags]
    estimate = _weighted_median(estimates)
    if difficulty_votes:
        difficulty = max(difficulty_votes.items(), key=lambda kv: kv[1])[0]
    else:
        difficulty = difficulty_for(round(estimate)) if estimate is not None else "medium"
    return Classification(
        category=category,
        tags=tags[:10],
        difficulty=difficulty if difficulty in DIFFICULTY_NAMES else "medium",
        estimate_minutes=None if estimate is None else max(1, round(estimate)),
        confidence=round(min(confidence, 1.0), 3),
    )


def _weighted_median(values: list[tuple[float, float]]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    half = sum(w for _, w in values) / 2
    running = 0.0
    for value, weight in values:
        running += weight
        if running >= half:
            return value
    return values[-1][0]


async def classify(
    cmd: ClassifyQuest,
    uow: AiUnitOfWork,
    model: LanguageModel,
    embedder: Embedder,
    index: VectorIndex,
) -> Classified:
    """Classify ``cmd``'s text from the owner's own labelled quests (see the module doc)."""
    async with uow:
        views = await uow.quest_views.of_owner(cmd.owner)
    labelled = [v for v in views if v.category or v.tags][-MAX_INDEXED:]
    namespace = namespace_of(cmd.owner)
    examples: list[dict[str, object]] = []
    if labelled:
        vectors = await embedder.embed([_text(v.title, "") for v in labelled])
        await index.upsert(namespace, [str(v.quest_id) for v in labelled], vectors)
        query = await embedder.embed([_text(cmd.title, cmd.notes)])
        matches = await index.query(namespace, query[0], NEIGHBOURS)
        by_id = {str(v.quest_id): v for v in labelled}
        for match in keep_owned(matches, by_id.keys(), key=lambda m: m.id):
            view = by_id[match.id]
            examples.append(
                {
                    "title": view.title,
                    "category": view.category,
                    "tags": list(view.tags),
                    "difficulty": view.difficulty,
                    "estimate_minutes": view.estimate_minutes,
                    "similarity": round(match.score, 4),
                }
            )
    request = (
        PromptBuilder(
            "You classify a person's task: a category, up to 5 short tags, a difficulty "
            f"({', '.join(DIFFICULTY_NAMES)}), an estimate in minutes and your confidence "
            "from 0 to 1. Prefer the categories and tags the person already uses, shown as "
            "examples of their own labelled tasks."
        )
        .say("Classify this task.")
        .data("quest", {"title": cmd.title, "notes": cmd.notes})
        .data("examples", examples)
        .request(owner=cmd.owner, max_output_tokens=300)
    )
    answer = await model.complete(request, Classification)
    value = answer.value
    if value.difficulty not in DIFFICULTY_NAMES:
        value = msgspec.structs.replace(value, difficulty=difficulty_for(value.estimate_minutes))
    return Classified(
        classification=value,
        neighbours=len(examples),
        model=ModelUse(
            provider=answer.provider,
            model=answer.model,
            degraded=answer.degraded,
            fell_back_from=answer.fell_back_from,
            cached=answer.cached,
        ),
    )
