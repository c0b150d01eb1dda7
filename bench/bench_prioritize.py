"""Ranking 100,000 quests with 300,000 dependency edges, per policy.

    .venv/bin/python bench/bench_prioritize.py [N] [E]

Prints, per policy, the best-of-5 time of ``rank`` two ways: *cold* on a fresh input (the
dependency levels and edge layout that graph policies need are built lazily by that first
rank, so they are part of the figure) and *warm* on an input already ranked once (those
structures cached, as when an ensemble's members or a second policy rank the same input).
Each warm run ranks at a new moment, so the weighted urgency matrix an input remembers for
its last moment is never reused across runs: warm times the ranking, not a lookup. Wall and
CPU time are both printed: on a shared machine other jobs stretch wall time, CPU time less.
The ratio column compares each cold time with a plain-Python loop computing Taskwarrior's
urgency over the same quests in the same run; a second baseline times plain-Python versions
of the two dependency passes (critical-path latest start, inherited value) against the
vectorised ones. Dependencies form many small projects (50 quests each, a random DAG
inside), the shape real task lists have; levels = the longest chain. Edges are listed quest
by quest (each quest's prerequisites in turn), as ``RankingInput.from_records`` and the
Taskwarrior/Questlog importers list them; the levelling skips its sort for such a list, so
the graph policies are timed cold once more with the same edges shuffled. Last, the learned
policy's agreement with a synthetic user's choices, against the default policy's.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from questlog_core.prioritization import (
    POLICY_NAMES,
    TASKWARRIOR,
    DependencyValuePolicy,
    PriorityPolicy,
    RankingInput,
    UrgencyPolicy,
    policy_named,
    remaining_minutes,
    reverse_levels,
)
from questlog_core.prioritization.graph import propagate_deadlines, propagate_sum

F64 = NDArray[np.float64]
NOW = 1_800_000_000.0
DAY = 86400.0
TAGS = ["next", "home", "work", "bills", "fun", "health", "errand", "admin"]


def make_input(n: int, e: int, seed: int = 7) -> RankingInput:
    rng = np.random.default_rng(seed)

    def maybe(values: np.ndarray, p: float) -> np.ndarray:
        return np.where(rng.random(n) < p, values, np.nan)

    group = 50
    groups = n // group
    per_group = e // groups
    base = np.repeat(np.arange(groups) * group, per_group)
    a = rng.integers(0, group, groups * per_group)
    b = rng.integers(0, group, groups * per_group)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # Redraw self-loops as the next quest; duplicates are kept (they are harmless here).
    hi = np.where(lo == hi, np.minimum(hi + 1, group - 1), hi)
    lo = np.where(lo == hi, lo - 1, lo)
    src, dst = base + lo, base + hi
    by_dependent = np.argsort(dst, kind="stable")  # quest by quest, as the importers list them
    src, dst = src[by_dependent], dst[by_dependent]
    tag_counts = rng.integers(0, 4, n)
    tags_flat = rng.choice(TAGS, int(tag_counts.sum()))
    tags: list[list[str]] = []
    pos = 0
    for c in tag_counts.tolist():
        tags.append(tags_flat[pos : pos + c].tolist())
        pos += c
    return RankingInput.from_columns(
        [f"q{i}" for i in range(n)],
        due=maybe(NOW + rng.uniform(-30, 60, n) * DAY, 0.5),
        created=NOW - rng.uniform(0, 800, n) * DAY,
        scheduled=maybe(NOW + rng.uniform(-5, 5, n) * DAY, 0.1),
        wait_until=maybe(NOW + rng.uniform(-5, 5, n) * DAY, 0.05),
        started=maybe(np.full(n, NOW - DAY), 0.05),
        priority=rng.integers(0, 4, n),
        difficulty=rng.integers(0, 5, n),
        estimate_minutes=maybe(rng.uniform(10, 600, n), 0.5),
        annotation_count=rng.integers(0, 4, n),
        tags=tags,
        categories=[None, "work", "home", "work.reports"] * (n // 4) + [None] * (n % 4),
        src=src,
        dst=dst,
    )


def python_urgency(columns: dict[str, list[Any]], src: list[int], dst: list[int]) -> list[float]:
    """Taskwarrior urgency, one quest at a time, from plain lists (the baseline)."""
    w = TASKWARRIOR
    n = len(columns["due"])
    blocking = [False] * n
    blocked = [False] * n
    for s, d in zip(src, dst, strict=True):
        blocking[s] = True
        blocked[d] = True
    levels = w.priority_levels
    curve = (0.0, 0.8, 0.9, 1.0)
    out = []
    for i in range(n):
        total = 0.0
        due = columns["due"][i]
        if due == due:  # not NaN
            overdue = (NOW - due) / DAY
            if overdue >= 7.0:
                total += w.due
            elif overdue >= -14.0:
                total += w.due * ((overdue + 14.0) * 0.8 / 21.0 + 0.2)
            else:
                total += w.due * 0.2
        total += levels[columns["priority"][i]]
        if blocking[i]:
            total += w.blocking
        if blocked[i]:
            total += w.blocked
        if columns["started"][i] == columns["started"][i]:
            total += w.active
        if columns["scheduled"][i] < NOW:
            total += w.scheduled
        if columns["wait"][i] > NOW:
            total += w.waiting
        days = math.trunc((NOW - columns["created"][i]) / DAY)
        total += w.age * (1.0 if days > w.age_max_days else days / w.age_max_days)
        total += w.annotations * curve[min(columns["annotations"][i], 3)]
        tags = columns["tags"][i]
        total += w.tags * curve[min(len(tags), 3)]
        if columns["category"][i] >= 0:
            total += w.category
        for t in tags:
            total += w.tag_weights.get(t, 0.0)
        out.append(total)
    return out


def python_dependency_passes(
    n: int,
    src: list[int],
    dst: list[int],
    due: list[float],
    work: list[float],
    own: list[float],
    decay: float,
) -> tuple[list[float], list[float]]:
    """Latest start and inherited value, one quest at a time (the dependency baseline)."""
    dependents: list[list[int]] = [[] for _ in range(n)]
    prerequisites: list[list[int]] = [[] for _ in range(n)]
    for s, d in zip(src, dst, strict=True):
        dependents[s].append(d)
        prerequisites[d].append(s)
    # A quest is ready once all its dependents are done (Kahn over reversed edges).
    waiting = [len(deps) for deps in dependents]
    ready = [u for u in range(n) if waiting[u] == 0]
    start = [0.0] * n
    inherited = [0.0] * n
    while ready:
        u = ready.pop()
        finish = math.inf if due[u] != due[u] else due[u]
        value = 0.0
        for v in dependents[u]:
            finish = min(finish, start[v])
            value += decay / len(prerequisites[v]) * (own[v] + inherited[v])
        start[u] = finish - work[u]
        inherited[u] = value
        for p in prerequisites[u]:
            waiting[p] -= 1
            if waiting[p] == 0:
                ready.append(p)
    return start, inherited


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def best_cpu(fn: Callable[[], object], runs: int = 5) -> float:
    """Best CPU time (this process) of ``runs`` calls: steadier than wall time on a machine
    other jobs share (they stretch wall time; numpy here runs on one thread)."""
    best = math.inf
    for _ in range(runs):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def fresh(data: RankingInput) -> RankingInput:
    """The same quests and edges with nothing cached."""
    return RankingInput(**{f: getattr(data, f) for f in _FIELDS})


def ranked(policy: PriorityPolicy, data: RankingInput, now: float = NOW) -> NDArray[np.int64]:
    """What the CLI asks of a policy: the ranking, ordered (the order is sorted lazily)."""
    return policy.rank(data, now).order


def ranked_anew(
    policy: PriorityPolicy, data: RankingInput, moments: Iterator[float]
) -> NDArray[np.int64]:
    """:func:`ranked` at the next of ``moments`` (a warm run; see the module doc)."""
    return ranked(policy, data, next(moments))


def best_cold(policy: PriorityPolicy, data: RankingInput, runs: int = 5) -> float:
    """Best wall time of :func:`ranked` on a fresh input (built outside the timing) each run."""
    return best_cold_both(policy, data, runs)[0]


def best_cold_both(
    policy: PriorityPolicy, data: RankingInput, runs: int = 5
) -> tuple[float, float]:
    """(best wall, best CPU) time of :func:`ranked` on a fresh input each run."""
    wall = cpu = math.inf
    for _ in range(runs):
        cold = fresh(data)
        start, start_cpu = time.perf_counter(), time.process_time()
        ranked(policy, cold)
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start)
    return wall, cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    e = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
    t0 = time.perf_counter()
    data = make_input(n, e)
    build = time.perf_counter() - t0
    depth = reverse_levels(data).depth
    print(f"{n:,} quests, {data.src.size:,} edges, {depth} dependency levels "
          f"(input built in {build * 1000:.0f} ms, once)")  # fmt: skip

    # The baseline: Taskwarrior urgency, one quest at a time, from plain lists.
    names = [data.tag_names[t] for t in data.tag_ids.tolist()]
    ptr = data.tag_ptr.tolist()
    columns = {
        "due": data.due.tolist(),
        "created": data.created.tolist(),
        "scheduled": data.scheduled.tolist(),
        "wait": data.wait_until.tolist(),
        "started": data.started.tolist(),
        "priority": data.priority.tolist(),
        "annotations": data.annotation_count.tolist(),
        "category": data.category.tolist(),
        "tags": [names[ptr[i] : ptr[i + 1]] for i in range(n)],
    }
    src, dst = data.src.tolist(), data.dst.tolist()
    loop = best_of(lambda: python_urgency(columns, src, dst), runs=3)
    reference = python_urgency(columns, src, dst)
    agree = np.allclose(UrgencyPolicy.taskwarrior().rank(data, NOW).scores, reference, atol=1e-9)

    print(f"\n{'policy':<18} {'cold':>9} {'warm':>9}  {'cold CPU':>9} {'warm CPU':>9}   "
          f"{'loop/cold':>9} {'loop/warm':>9}  (best of 7; target: 50 ms cold)")  # fmt: skip
    for name in POLICY_NAMES:
        policy = policy_named(name)
        cold, cold_cpu = best_cold_both(policy, data, runs=7)
        warmed = fresh(data)
        ranked(policy, warmed)
        warm = best_of(partial(ranked_anew, policy, warmed, itertools.count(NOW + 1.0)), runs=7)
        warm_cpu = best_cpu(
            partial(ranked_anew, policy, warmed, itertools.count(NOW + 1e6)), runs=7
        )
        print(f"{name:<18} {cold * 1000:>6.1f} ms {warm * 1000:>6.1f} ms  "
              f"{cold_cpu * 1000:>6.1f} ms {warm_cpu * 1000:>6.1f} ms   "
              f"{loop / cold:>8.1f}x {loop / warm:>8.1f}x")  # fmt: skip
    levels = best_of(lambda: reverse_levels(fresh(data)))
    print(f"(cold includes the dependency levels and edge layout, built once per input: "
          f"{levels * 1000:.1f} ms of it)")  # fmt: skip
    shuffle = np.random.default_rng(11).permutation(data.src.size)
    shuffled = RankingInput(
        **{f: getattr(data, f) for f in _FIELDS if f not in ("src", "dst")},
        src=data.src[shuffle],
        dst=data.dst[shuffle],
    )
    graph_cold = ", ".join(
        f"{name} {best_cold(policy_named(name), shuffled) * 1000:.1f} ms"
        for name in ("slack", "dependency-value", "ensemble")
    )
    shuffled_levels = best_of(lambda: reverse_levels(fresh(shuffled)))
    print(f"same edges shuffled, cold: {graph_cold}; "
          f"levels and layout {shuffled_levels * 1000:.1f} ms")  # fmt: skip
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"\nplain-Python loop (taskwarrior urgency, best of 3): {loop * 1000:.0f} ms "
          f"(scores agree with the vectorised policy: {agree})")  # fmt: skip

    # The dependency passes alone, against the same passes one quest at a time.
    work = remaining_minutes(data) * 60.0 * 6.0  # the slack policy's 4 focus hours a day
    dv = DependencyValuePolicy()
    own = dv.rank(data, NOW).contributions[:, :-1].sum(axis=1).clip(min=0.0)
    share = dv.decay / np.maximum(data.prerequisite_count(), 1)
    due_list, work_list, own_list = data.due.tolist(), work.tolist(), own.tolist()
    passes = best_of(
        lambda: python_dependency_passes(n, src, dst, due_list, work_list, own_list, dv.decay),
        runs=3,
    )

    def vectorised_passes(cached: RankingInput) -> tuple[tuple[F64, F64], F64]:
        return propagate_deadlines(cached, data.due, work), propagate_sum(cached, own, share)

    warm_passes = best_of(lambda: vectorised_passes(data))
    cold_passes = best_of(lambda: vectorised_passes(fresh(data)))
    start, inherited = python_dependency_passes(
        n, src, dst, due_list, work_list, own_list, dv.decay
    )
    (v_start, _), v_inherited = vectorised_passes(data)
    same = np.allclose(v_start, start, rtol=1e-12) and np.allclose(v_inherited, inherited)
    print(f"plain-Python dependency passes (latest start + inherited value, best of 3): "
          f"{passes * 1000:.0f} ms; vectorised {cold_passes * 1000:.1f} ms cold "
          f"({passes / cold_passes:.1f}x), {warm_passes * 1000:.1f} ms warm "
          f"({passes / warm_passes:.1f}x); results agree: {same}")  # fmt: skip


def learned_agreement() -> None:
    """The learned policy against the default on a synthetic user's held-out choices."""
    sys.path.insert(0, str(Path(__file__).parents[1]))
    from tests.unit.prioritization.synthetic import TASTE, learned_vs_default

    learned, default = learned_vs_default()
    print(f"\nlearned policy, synthetic user (taste {TASTE}, noise; 400 days of 8 open quests, "
          f"fit on the first 200): agreement with their first choice on the held-out 200: "
          f"learned {learned:.1%}, default urgency {default:.1%}")  # fmt: skip


_FIELDS = [f for f in RankingInput.__dataclass_fields__ if f != "_cache"]

if __name__ == "__main__":
    main()
    learned_agreement()
