"""Plain-Python reference implementations, one quest at a time, to check the vectorised ones."""

from __future__ import annotations

import math
from collections import defaultdict

from questlog_core.prioritization import RankingInput, UrgencyWeights

DAY = 86400.0


def urgency_of(data: RankingInput, i: int, now: float, w: UrgencyWeights) -> float:
    """Taskwarrior's Task::urgency_c, transcribed for quest ``i``."""
    dependents = sum(1 for s in data.src.tolist() if s == i)
    prerequisites = sum(1 for d in data.dst.tolist() if d == i)
    total = 0.0
    due = float(data.due[i])
    if not math.isnan(due):
        overdue = (now - due) / DAY
        if overdue >= 7.0:
            curve = 1.0
        elif overdue >= -14.0:
            curve = (overdue + 14.0) * 0.8 / 21.0 + 0.2
        elif w.due_curve.tail:
            curve = 0.2 * 14.0 / -overdue
        else:
            curve = 0.2
        total += w.due * curve
    total += w.priority * w.priority_levels[int(data.priority[i])]
    total += w.blocking if dependents else 0.0
    total += w.blocked if prerequisites else 0.0
    total += w.active if not math.isnan(float(data.started[i])) else 0.0
    scheduled = float(data.scheduled[i])
    total += w.scheduled if not math.isnan(scheduled) and scheduled < now else 0.0
    wait = float(data.wait_until[i])
    total += w.waiting if not math.isnan(wait) and wait > now else 0.0
    created = float(data.created[i])
    if math.isnan(created):
        age = 1.0
    else:
        days = int((now - created) / DAY)
        age = 1.0 if days > w.age_max_days else days / w.age_max_days
    total += w.age * age
    for count, coef in ((int(data.annotation_count[i]), w.annotations),
                        (int(data.tag_count[i]), w.tags)):  # fmt: skip
        total += coef * {0: 0.0, 1: 0.8, 2: 0.9}.get(count, 1.0)
    category = int(data.category[i])
    total += w.category if category >= 0 else 0.0
    tags = [data.tag_names[t] for t in data.tag_ids[data.tag_ptr[i] : data.tag_ptr[i + 1]]]
    total += sum(w.tag_weights.get(t, 0.0) for t in tags)
    if category >= 0:
        name = data.category_names[category]
        total += sum(
            v for p, v in w.category_weights.items() if name == p or name.startswith(p + ".")
        )
    minutes = float(data.estimate_minutes[i]) * (1.0 - float(data.progress[i]))
    if not math.isnan(minutes):
        total += w.estimate / (1.0 + max(minutes, 0.0) / 60.0)
    return total


def planned_scores(data: RankingInput, now: float, w: UrgencyWeights) -> tuple[list[float], bool]:
    """Questlog's planned urgency, one quest at a time, by its definition: own score without
    blocking/blocked/waiting; pressure = max own score over the quest and everything waiting
    on it (memoised recursion); 0.01 per level of the longest chain waiting on it; the
    hold-back for blocked, waiting and not-yet-scheduled quests. Returns the scores and
    whether any quest is on hold (the hold-back's size depends on the spread)."""
    n = data.size
    dependents: dict[int, list[int]] = defaultdict(list)
    blocked = [False] * n
    for s, d in zip(data.src.tolist(), data.dst.tolist(), strict=True):
        dependents[s].append(d)
        blocked[d] = True
    situation = UrgencyWeights(
        **{**{f: getattr(w, f) for f in w.__dataclass_fields__}, "blocking": 0.0,
           "blocked": 0.0, "waiting": 0.0}
    )  # fmt: skip
    own = [urgency_of(data, i, now, situation) for i in range(n)]
    pressure: dict[int, float] = {}
    level: dict[int, int] = {}

    def pressure_of(u: int) -> float:
        if u not in pressure:
            pressure[u] = max([own[u]] + [pressure_of(v) for v in dependents[u]])
        return pressure[u]

    def level_of(u: int) -> int:
        if u not in level:
            level[u] = max([0] + [level_of(v) + 1 for v in dependents[u]])
        return level[u]

    rest = [pressure_of(i) + 0.01 * level_of(i) for i in range(n)]
    hold = [
        blocked[i] or float(data.wait_until[i]) > now or float(data.scheduled[i]) > now
        for i in range(n)
    ]
    back = max(100.0, 10.0 * math.ceil((max(rest) - min(rest) + 1.0) / 10.0)) if n else 0.0
    return [r - back if h else r for r, h in zip(rest, hold, strict=True)], any(hold)


def inherited_value(data: RankingInput, own: list[float], decay: float) -> list[float]:
    """Value each quest inherits from dependents, by memoised recursion."""
    dependents: dict[int, list[int]] = defaultdict(list)
    prereqs: dict[int, int] = defaultdict(int)
    for s, d in zip(data.src.tolist(), data.dst.tolist(), strict=True):
        dependents[s].append(d)
        prereqs[d] += 1
    memo: dict[int, float] = {}

    def inherited(u: int) -> float:
        if u not in memo:
            memo[u] = sum(decay / prereqs[v] * (own[v] + inherited(v)) for v in dependents[u])
        return memo[u]

    return [inherited(i) for i in range(data.size)]


def latest_start(data: RankingInput, work: list[float]) -> list[float]:
    """Critical-path latest start per quest (inf where no deadline reaches)."""
    dependents: dict[int, list[int]] = defaultdict(list)
    for s, d in zip(data.src.tolist(), data.dst.tolist(), strict=True):
        dependents[s].append(d)
    memo: dict[int, float] = {}

    def start(u: int) -> float:
        if u not in memo:
            due = float(data.due[u])
            finish = min([math.inf if math.isnan(due) else due] + [start(v) for v in dependents[u]])
            memo[u] = finish - work[u]
        return memo[u]

    return [start(i) for i in range(data.size)]
