"""Breakdown preview: one quest into ordered steps with estimates and the parent's XP split.

The language model proposes the steps; the answer is validated (step count within the
granularity's range, positive estimates) and the estimates are rescaled to the parent's
estimate when it has one. The local fallback splits the notes' lines or the title's
"and"/comma parts, else a generic plan-do-check chain, and says it is ``degraded``.

The preview creates nothing. It is shaped as a quest *template* with a chain of steps (each
step ``after`` the one before), which the quest service's ``POST /api/v1/templates`` accepts
as is; instantiating that template creates the sub-quests and their dependency edges in one
unit of work (see docs/api-ai.md).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec

from questlog_core.ai.ports import LanguageModel, LlmRequest
from questlog_core.ai.prompts import PromptBuilder
from questlog_core.ai.quick_add import DIFFICULTY_NAMES, difficulty_for
from questlog_core.ai.ranking import ModelUse
from questlog_core.gamification.xp import XpPolicy
from questlog_core.kernel.ids import UserId

__all__ = [
    "BreakDown",
    "Breakdown",
    "BreakdownPreview",
    "PreviewStep",
    "ProposedStep",
    "TemplateDraft",
    "break_down",
    "break_down_locally",
]

#: how many steps each granularity asks for (inclusive range)
GRANULARITY: dict[str, tuple[int, int]] = {"coarse": (2, 3), "normal": (3, 5), "fine": (5, 8)}


class BreakDown(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    title: str
    notes: str = ""
    difficulty: str = "medium"
    estimate_minutes: int | None = None
    granularity: Literal["coarse", "normal", "fine"] = "normal"


class ProposedStep(msgspec.Struct, frozen=True, kw_only=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    estimate_minutes: Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class Breakdown(msgspec.Struct, frozen=True, kw_only=True):
    """What a model (or the local rules) proposes: steps in order."""

    steps: Annotated[list[ProposedStep], msgspec.Meta(min_length=1, max_length=12)]


class PreviewStep(msgspec.Struct, frozen=True, kw_only=True):
    """One step, exactly in the quest template's step shape (``TemplateStepIn``)."""

    title_pattern: str
    difficulty: str
    estimate_minutes: int
    #: indices of the steps this one comes after (a chain: the previous one)
    after: list[int]


class TemplateDraft(msgspec.Struct, frozen=True, kw_only=True):
    """The quest service's template body (``TemplateIn``): post it as is to save the plan."""

    name: str
    title_pattern: str
    difficulty: str
    estimate_minutes: int | None
    steps: list[PreviewStep]


class BreakdownPreview(msgspec.Struct, frozen=True, kw_only=True):
    template: TemplateDraft
    #: the parent's base XP and its split over the steps (same order, summing to it)
    parent_xp: int
    step_xp: list[int]
    model: ModelUse


def break_down_locally(request: LlmRequest) -> Breakdown:
    """The labelled fallback: the notes' lines, the title's parts, or plan-do-check."""
    quest: Any = request.data.get("quest", {})
    title = str(quest.get("title", "")).strip() or "the quest"
    notes = str(quest.get("notes", ""))
    low, high = GRANULARITY.get(str(quest.get("granularity", "normal")), (3, 5))
    total = int(quest.get("estimate_minutes") or 60)
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", s).strip() for s in notes.splitlines()]
    parts = [s for s in lines if s]
    if len(parts) < 2:
        parts = [p.strip() for p in re.split(r",|;|\band\b|\bthen\b", title) if p.strip()]
    if len(parts) < 2:
        parts = [
            f"Decide what done looks like for: {title}",
            f"Gather what is needed for: {title}",
            f"Do the main work of: {title}",
            f"Check and finish: {title}",
            f"Tidy up and note what is left of: {title}",
            f"Share the result of: {title}",
        ][: max(low, min(high, 4))]
    parts = parts[:high]
    each = max(1, round(total / len(parts)))
    return Breakdown(steps=[ProposedStep(title=p[:200], estimate_minutes=each) for p in parts])


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, as integers summing to ``total``."""
    whole = sum(weights) or 1
    shares = [total * w / whole for w in weights]
    floors = [int(s) for s in shares]
    leftover = total - sum(floors)
    for i in sorted(range(len(shares)), key=lambda i: floors[i] - shares[i])[:leftover]:
        floors[i] += 1
    return floors


async def break_down(cmd: BreakDown, model: LanguageModel) -> BreakdownPreview:
    """The preview (see the module docstring)."""
    low, high = GRANULARITY[cmd.granularity]
    request = (
        PromptBuilder(
            "You break a person's task into concrete, ordered steps, each with a realistic "
            "estimate in minutes. Steps are done one after another."
        )
        .say(f"Break this task into {low} to {high} steps.")
        .data(
            "quest",
            {
                "title": cmd.title,
                "notes": cmd.notes,
                "estimate_minutes": cmd.estimate_minutes,
                "granularity": cmd.granularity,
            },
        )
        .request(owner=cmd.owner, max_output_tokens=800)
    )
    answer = await model.complete(request, Breakdown)
    steps = answer.value.steps[:high]
    estimates = [s.estimate_minutes for s in steps]
    if cmd.estimate_minutes is not None:
        estimates = [max(1, e) for e in _split(cmd.estimate_minutes, estimates)]
    difficulty = cmd.difficulty if cmd.difficulty in DIFFICULTY_NAMES else "medium"
    parent_xp = XpPolicy().base_by_difficulty[difficulty]
    xp = _split(parent_xp, estimates)
    preview = [
        PreviewStep(
            title_pattern=step.title,
            difficulty=difficulty_for(minutes),
            estimate_minutes=minutes,
            after=[n - 1] if n else [],
        )
        for n, (step, minutes) in enumerate(zip(steps, estimates, strict=True))
    ]
    return BreakdownPreview(
        template=TemplateDraft(
            name=f"Steps of: {cmd.title}"[:200],
            title_pattern=cmd.title,
            difficulty=difficulty,
            estimate_minutes=cmd.estimate_minutes,
            steps=preview,
        ),
        parent_xp=parent_xp,
        step_xp=xp,
        model=ModelUse(
            provider=answer.provider,
            model=answer.model,
            degraded=answer.degraded,
            fell_back_from=answer.fell_back_from,
            cached=answer.cached,
        ),
    )
