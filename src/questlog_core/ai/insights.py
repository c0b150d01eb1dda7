"""Insights and suggestions from the AI service's read model: numbers a client can chart.

* completions by hour of day (0..23) and by weekday (Monday first), in the user's time zone;
* estimate accuracy: for quests done with an estimate and a start, the actual minutes (start
  to completion) against the estimate (median ratio, share within ±25 %);
* category balance: quests done and still open per category over the window;
* overdue trend: for each of the window's last days, how many quests were open and past due
  at that day's end;
* streak risk: days in a row with a completion and whether today still needs one (calendar
  days in the user's zone: an estimate of the game's streak, which has its own day start);
* a few short sentences saying what stands out.

:func:`analyze` adds a narrative from the language model (the local fallback writes the same
sentences, labelled ``degraded``). :func:`suggest` picks what to do next for the minutes and
energy a person has and, given the title of a quest being planned, lists the user's similar
past quests with how long they really took and open quests that look like duplicates (nearest
neighbours by embedding, in the user's own namespace of the vector index).
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from questlog_core.ai.ports import (
    AiUnitOfWork,
    Embedder,
    LanguageModel,
    LlmRequest,
    QuestView,
    VectorIndex,
)
from questlog_core.ai.prompts import PromptBuilder, keep_owned
from questlog_core.ai.ranking import ModelUse, views_input
from questlog_core.errors import ValidationFailed
from questlog_core.kernel.ids import UserId
from questlog_core.prioritization import policy_named

__all__ = [
    "Analysis",
    "CategoryCount",
    "EstimateAccuracy",
    "Insights",
    "Narrative",
    "OverdueDay",
    "SimilarQuest",
    "StreakRisk",
    "Suggest",
    "Suggestion",
    "Suggestions",
    "TemplateSuggestion",
    "all_quests_namespace",
    "analyze",
    "compute_insights",
    "insights",
    "narrate_locally",
    "similar_quests",
    "suggest",
    "template_suggestions",
    "zone_named",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: minutes assumed for a quest without an estimate, by difficulty (for "fits the time")
DEFAULT_MINUTES = {"trivial": 10, "easy": 30, "medium": 60, "hard": 180, "epic": 480}
ENERGY_ALLOWS = {
    "low": ("trivial", "easy"),
    "medium": ("trivial", "easy", "medium"),
    "high": ("trivial", "easy", "medium", "hard", "epic"),
}


class EstimateAccuracy(msgspec.Struct, frozen=True, kw_only=True):
    measured: int
    median_ratio: float | None
    within_25_percent: float | None


class CategoryCount(msgspec.Struct, frozen=True, kw_only=True):
    category: str
    done: int
    open: int


class OverdueDay(msgspec.Struct, frozen=True, kw_only=True):
    day: str
    overdue: int


class StreakRisk(msgspec.Struct, frozen=True, kw_only=True):
    """Days in a row with a completion, counted from the read model in the user's time zone
    (calendar days from midnight: the gamification service's day-start hour and streak
    freezes are not known here, so this is an estimate, not the game's streak)."""

    current_days: int
    completed_today: bool
    #: a streak is running and nothing is completed yet today
    at_risk: bool
    hours_left_today: float


class Insights(msgspec.Struct, frozen=True, kw_only=True):
    timezone: str
    window_days: int
    completed: int
    completions_by_hour: list[int]
    completions_by_weekday: dict[str, int]
    estimate_accuracy: EstimateAccuracy
    category_balance: list[CategoryCount]
    overdue_trend: list[OverdueDay]
    streak: StreakRisk
    summary: list[str]


class Narrative(msgspec.Struct, frozen=True, kw_only=True):
    """The model's (or the fallback's) reading of the figures: a few short sentences."""

    text: Annotated[str, msgspec.Meta(max_length=2_000)]


class Analysis(msgspec.Struct, frozen=True, kw_only=True):
    insights: Insights
    narrative: str
    model: ModelUse


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ``ValidationFailed`` for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("timezone", f"unknown time zone {name!r}") from None


def compute_insights(
    views: list[QuestView], *, now: datetime, timezone: str, window_days: int = 30
) -> Insights:
    """The figures over the last ``window_days`` days (pure)."""
    if not 1 <= window_days <= 365:
        raise ValidationFailed("days", "between 1 and 365")
    zone = zone_named(timezone)
    since = now - timedelta(days=window_days)
    done = [v for v in views if v.status == "done" and v.completed_at and v.completed_at >= since]
    by_hour = [0] * 24
    by_weekday = dict.fromkeys(WEEKDAYS, 0)
    for v in done:
        assert v.completed_at is not None
        local = v.completed_at.astimezone(zone)
        by_hour[local.hour] += 1
        by_weekday[WEEKDAYS[local.weekday()]] += 1
    ratios: list[float] = []
    for v in done:
        if v.estimate_minutes and v.started_at and v.completed_at:
            actual = (v.completed_at - v.started_at).total_seconds() / 60
            if actual > 0:
                ratios.append(actual / v.estimate_minutes)
    accuracy = EstimateAccuracy(
        measured=len(ratios),
        median_ratio=round(statistics.median(ratios), 3) if ratios else None,
        within_25_percent=round(sum(0.75 <= r <= 1.25 for r in ratios) / len(ratios), 3)
        if ratios
        else None,
    )
    done_by = Counter(v.category or "uncategorised" for v in done)
    open_by = Counter(v.category or "uncategorised" for v in views if v.is_open)
    balance = [
        CategoryCount(category=c, done=done_by[c], open=open_by[c])
        for c in sorted(set(done_by) | set(open_by))
    ]
    trend: list[OverdueDay] = []
    today = now.astimezone(zone).date()
    for back in range(min(window_days, 14) - 1, -1, -1):
        day = today - timedelta(days=back)
        end = min(datetime.combine(day, time.max, tzinfo=zone), now)
        count = sum(
            1
            for v in views
            if v.due is not None
            and v.due < end
            and v.created_at <= end
            and v.status != "deleted"
            and (v.completed_at is None or v.completed_at > end)
            and v.status not in {"abandoned", "archived"}
        )
        trend.append(OverdueDay(day=day.isoformat(), overdue=count))
    streak = _streak(views, now, zone)
    return Insights(
        timezone=timezone,
        window_days=window_days,
        completed=len(done),
        completions_by_hour=by_hour,
        completions_by_weekday=by_weekday,
        estimate_accuracy=accuracy,
        category_balance=balance,
        overdue_trend=trend,
        streak=streak,
        summary=_summary(len(done), by_hour, by_weekday, accuracy, balance, trend, streak),
    )


def _streak(views: list[QuestView], now: datetime, zone: ZoneInfo) -> StreakRisk:
    local_now = now.astimezone(zone)
    today = local_now.date()
    days = {
        v.completed_at.astimezone(zone).date()
        for v in views
        if v.status == "done" and v.completed_at is not None and v.completed_at <= now
    }
    completed_today = today in days
    day = today if completed_today else today - timedelta(days=1)
    run = 0
    while day in days:
        run += 1
        day -= timedelta(days=1)
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    return StreakRisk(
        current_days=run,
        completed_today=completed_today,
        at_risk=run > 0 and not completed_today,
        hours_left_today=round((midnight - local_now).total_seconds() / 3600, 2),
    )


def _summary(
    completed: int,
    by_hour: list[int],
    by_weekday: dict[str, int],
    accuracy: EstimateAccuracy,
    balance: list[CategoryCount],
    trend: list[OverdueDay],
    streak: StreakRisk,
) -> list[str]:
    if completed == 0:
        lines = ["No quests completed in this window yet."]
    else:
        hour = max(range(24), key=lambda h: by_hour[h])
        day = max(by_weekday, key=lambda d: by_weekday[d])
        lines = [f"{completed} quests completed; most often around {hour:02d}:00 and on {day}s."]
    if accuracy.median_ratio is not None:
        ratio = accuracy.median_ratio
        if ratio > 1.25:
            lines.append(f"Quests take {ratio:.1f}× their estimate (median): estimate higher.")
        elif ratio < 0.75:
            lines.append(f"Quests take {ratio:.1f}× their estimate (median): you overestimate.")
        else:
            lines.append("Estimates are close to the time quests really take.")
    if balance:
        top = max(balance, key=lambda c: c.done)
        if top.done:
            lines.append(f"Most completions are in {top.category}.")
    if streak.at_risk:
        lines.append(
            f"Your {streak.current_days}-day run ends in {streak.hours_left_today:.0f} h "
            "unless you finish something today."
        )
    if len(trend) >= 2:
        first, last = trend[0].overdue, trend[-1].overdue
        if last > first:
            lines.append(f"Overdue quests rose from {first} to {last}.")
        elif last < first:
            lines.append(f"Overdue quests fell from {first} to {last}.")
    return lines


async def insights(
    owner: UserId,
    uow: AiUnitOfWork,
    *,
    now: datetime,
    timezone: str | None = None,
    window_days: int = 30,
) -> Insights:
    """The figures for ``owner`` from the read model, bucketed in ``timezone`` (by default
    the player's profile zone as identity announced it; UTC before it did)."""
    if timezone is not None:
        zone_named(timezone)
    async with uow:
        if timezone is None:
            timezone = await uow.player_zones.get(owner) or "UTC"
        views = await uow.quest_views.of_owner(owner)
    return compute_insights(views, now=now, timezone=timezone, window_days=window_days)


def narrate_locally(request: LlmRequest) -> Narrative:
    """The labelled fallback: the computed summary sentences, as they are."""
    figures = request.data.get("figures", {})
    summary = figures.get("summary", []) if isinstance(figures, dict) else []
    return Narrative(text=" ".join(str(line) for line in summary))


async def analyze(
    owner: UserId,
    uow: AiUnitOfWork,
    model: LanguageModel,
    *,
    now: datetime,
    timezone: str | None = None,
    window_days: int = 30,
) -> Analysis:
    """The insights plus a short narrative (from the model, or the labelled fallback)."""
    figures = await insights(owner, uow, now=now, timezone=timezone, window_days=window_days)
    request = (
        PromptBuilder(
            "You coach a person on how they work, from figures about their completed and "
            "open tasks. Be specific, kind and brief: at most 4 sentences, no lists."
        )
        .say("Read these figures and say what stands out and one thing to try.")
        .data("figures", msgspec.to_builtins(figures))
        .request(owner=owner, max_output_tokens=400)
    )
    answer = await model.complete(request, Narrative)
    return Analysis(
        insights=figures,
        narrative=answer.value.text.strip(),
        model=ModelUse(
            provider=answer.provider,
            model=answer.model,
            degraded=answer.degraded,
            fell_back_from=answer.fell_back_from,
            cached=answer.cached,
        ),
    )


class Suggest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    now: datetime
    minutes: int
    energy: Literal["low", "medium", "high"] = "medium"
    limit: int = 3
    #: a quest being planned: its similar past quests and likely duplicates are looked up
    title: str | None = None
    #: also look for quests done again and again that could become a template
    templates: bool = False


class TemplateSuggestion(msgspec.Struct, frozen=True, kw_only=True):
    """Done quests so alike that a template would save retyping them."""

    title_pattern: str
    count: int
    examples: list[str]
    median_estimate_minutes: int | None
    median_actual_minutes: int | None


class SimilarQuest(msgspec.Struct, frozen=True, kw_only=True):
    """One of the caller's quests close to the planned title (cosine similarity)."""

    id: str
    title: str
    status: str
    similarity: float
    estimate_minutes: int | None
    #: minutes from start to completion, for a done quest that was started
    actual_minutes: int | None


class Suggestion(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    minutes: int
    estimated: bool
    score: float
    reason: str


class Suggestions(msgspec.Struct, frozen=True, kw_only=True):
    minutes: int
    energy: str
    items: list[Suggestion]
    #: done quests like ``title``, with how long they really took (only with ``title``)
    similar_done: list[SimilarQuest] = msgspec.field(default_factory=list)
    #: open quests so close to ``title`` that it may be a duplicate (only with ``title``)
    likely_duplicates: list[SimilarQuest] = msgspec.field(default_factory=list)
    #: groups of alike done quests worth a template (only with ``templates``)
    template_suggestions: list[TemplateSuggestion] = msgspec.field(default_factory=list)


#: cosine similarity from which done quests count as the same recurring job
TEMPLATE_SIMILARITY = 0.8
#: how many alike done quests make a template worth suggesting
TEMPLATE_MIN_COUNT = 3
#: the most recent done quests looked at for templates
TEMPLATE_SCAN = 500


async def template_suggestions(
    views: list[QuestView], embedder: Embedder, limit: int = 3
) -> list[TemplateSuggestion]:
    """Groups of at least three alike done quests (greedy, by cosine similarity of their
    titles), largest first."""
    done = [v for v in views if v.status == "done"][-TEMPLATE_SCAN:]
    if len(done) < TEMPLATE_MIN_COUNT:
        return []
    vectors = await embedder.embed([v.title for v in done])
    similarity = vectors @ vectors.T
    unassigned = set(range(len(done)))
    groups: list[list[int]] = []
    for i in range(len(done)):
        if i not in unassigned:
            continue
        members = [j for j in sorted(unassigned) if similarity[i, j] >= TEMPLATE_SIMILARITY]
        if len(members) >= TEMPLATE_MIN_COUNT:
            groups.append(members)
            unassigned -= set(members)
    groups.sort(key=len, reverse=True)
    out: list[TemplateSuggestion] = []
    for members in groups[:limit]:
        quests = [done[j] for j in members]
        titles = [q.title for q in quests]
        estimates = [q.estimate_minutes for q in quests if q.estimate_minutes]
        actual = [
            round((q.completed_at - q.started_at).total_seconds() / 60)
            for q in quests
            if q.started_at and q.completed_at
        ]
        out.append(
            TemplateSuggestion(
                title_pattern=Counter(titles).most_common(1)[0][0],
                count=len(quests),
                examples=list(dict.fromkeys(titles))[:5],
                median_estimate_minutes=round(statistics.median(estimates)) if estimates else None,
                median_actual_minutes=round(statistics.median(actual)) if actual else None,
            )
        )
    return out


#: cosine similarity from which an open quest is reported as a likely duplicate
DUPLICATE_SIMILARITY = 0.85
SIMILAR_TOP_K = 8


def all_quests_namespace(owner: UserId) -> str:
    """The vector-index namespace of all of one user's quests (labelled or not)."""
    return f"quests-all:{owner}"


async def similar_quests(
    owner: UserId,
    title: str,
    views: list[QuestView],
    embedder: Embedder,
    index: VectorIndex,
) -> tuple[list[SimilarQuest], list[SimilarQuest]]:
    """(done quests like ``title`` with their real durations, likely duplicates among the open
    ones), nearest first, from the owner's own quests only."""
    if not views or not title.strip():
        return [], []
    namespace = all_quests_namespace(owner)
    await index.upsert(
        namespace, [str(v.quest_id) for v in views], await embedder.embed([v.title for v in views])
    )
    query = await embedder.embed([title])
    by_id = {str(v.quest_id): v for v in views}
    matches = keep_owned(
        await index.query(namespace, query[0], SIMILAR_TOP_K), by_id.keys(), key=lambda m: m.id
    )
    done: list[SimilarQuest] = []
    duplicates: list[SimilarQuest] = []
    for match in matches:
        view = by_id[match.id]
        actual = None
        if view.status == "done" and view.started_at and view.completed_at:
            actual = round((view.completed_at - view.started_at).total_seconds() / 60)
        found = SimilarQuest(
            id=match.id,
            title=view.title,
            status=view.status,
            similarity=round(match.score, 4),
            estimate_minutes=view.estimate_minutes,
            actual_minutes=actual,
        )
        if view.status == "done":
            done.append(found)
        elif view.is_open and match.score >= DUPLICATE_SIMILARITY:
            duplicates.append(found)
    return done, duplicates


async def suggest(
    cmd: Suggest,
    uow: AiUnitOfWork,
    embedder: Embedder | None = None,
    index: VectorIndex | None = None,
) -> Suggestions:
    """The best-ranked open, unblocked quests that fit the minutes and energy available; with
    ``cmd.title``, also similar past quests and likely duplicates (needs the embedder and
    index)."""
    async with uow:
        everything = await uow.quest_views.of_owner(cmd.owner)
    views = [v for v in everything if v.is_open]
    similar_done: list[SimilarQuest] = []
    duplicates: list[SimilarQuest] = []
    if cmd.title and embedder is not None and index is not None:
        similar_done, duplicates = await similar_quests(
            cmd.owner, cmd.title, everything, embedder, index
        )
    templates: list[TemplateSuggestion] = []
    if cmd.templates and embedder is not None:
        templates = await template_suggestions(everything, embedder)
    if not views:
        return Suggestions(
            minutes=cmd.minutes,
            energy=cmd.energy,
            items=[],
            similar_done=similar_done,
            likely_duplicates=duplicates,
            template_suggestions=templates,
        )
    data = views_input(views)
    ranking = policy_named("urgency").rank(data, cmd.now)
    blocked = data.prerequisite_count()
    by_key = {str(v.quest_id): v for v in views}
    allowed = ENERGY_ALLOWS[cmd.energy]
    items: list[Suggestion] = []
    for i in ranking.order:
        view = by_key[data.keys[int(i)]]
        if blocked[int(i)] or view.difficulty not in allowed:
            continue
        estimated = view.estimate_minutes is not None
        minutes = view.estimate_minutes or DEFAULT_MINUTES.get(view.difficulty, 60)
        left = round(minutes * (1 - view.progress / 100))
        if left > cmd.minutes:
            continue
        top = ranking.explain(int(i)).contributions
        why = f"fits in {cmd.minutes} min ({left} min {'estimated' if estimated else 'assumed'})"
        if top:
            why += f"; most urgent factor: {top[0].factor}"
        items.append(
            Suggestion(
                id=str(view.quest_id),
                title=view.title,
                minutes=left,
                estimated=estimated,
                score=float(ranking.scores[int(i)]),
                reason=why,
            )
        )
        if len(items) >= cmd.limit:
            break
    return Suggestions(
        minutes=cmd.minutes,
        energy=cmd.energy,
        items=items,
        similar_done=similar_done,
        likely_duplicates=duplicates,
        template_suggestions=templates,
    )
