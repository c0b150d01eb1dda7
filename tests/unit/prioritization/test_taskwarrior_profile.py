"""The `taskwarrior` profile scores each task exactly as Taskwarrior 2.6.2 did."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from questlog_core.prioritization import UrgencyPolicy
from questlog_core.prioritization.exports import read_export

FIXTURE = Path(__file__).parents[2] / "fixtures" / "taskwarrior"


@pytest.fixture(scope="module")
def exported() -> tuple[dict[str, object], list[dict[str, object]], bytes]:
    raw = (FIXTURE / "export.json").read_bytes()
    meta = json.loads((FIXTURE / "export.meta.json").read_text())
    return meta, json.loads(raw), raw


def test_fixture_comes_from_taskwarrior_2_6(exported) -> None:
    meta, tasks, _ = exported
    assert str(meta["taskwarrior_version"]).startswith("2.6")
    assert len(tasks) >= 20
    assert all("urgency" in t for t in tasks)


def test_every_open_task_matches_taskwarriors_urgency(exported) -> None:
    meta, tasks, raw = exported
    now = float(meta["now"])
    task_list = read_export(raw, now)
    ranking = UrgencyPolicy.taskwarrior().rank(task_list.input, now)

    expected = {t["uuid"]: t["urgency"] for t in tasks if t["status"] == "pending"}
    assert set(task_list.input.keys) == set(expected)
    ours = dict(zip(task_list.input.keys, ranking.scores.tolist(), strict=True))
    mismatches = {u: (ours[u], expected[u]) for u in expected if abs(ours[u] - expected[u]) > 0.01}
    assert mismatches == {}


def test_fixture_exercises_every_taskwarrior_factor(exported) -> None:
    # A match only proves something if the tasks actually use each factor.
    meta, _, raw = exported
    now = float(meta["now"])
    ranking = UrgencyPolicy.taskwarrior().rank(read_export(raw, now).input, now)
    used = {f for f, col in zip(ranking.factors, ranking.contributions.T, strict=True) if col.any()}
    assert {
        "due", "priority", "blocking", "blocked", "active", "scheduled", "waiting", "age",
        "annotations", "tags", "category", "tag weights",
    } <= used  # fmt: skip


def test_taskwarrior_order_is_the_order_task_next_would_show(exported) -> None:
    meta, tasks, raw = exported
    now = float(meta["now"])
    task_list = read_export(raw, now)
    ranking = UrgencyPolicy.taskwarrior().rank(task_list.input, now)
    by_urgency = sorted(
        (t for t in tasks if t["status"] == "pending"), key=lambda t: -float(t["urgency"])
    )
    ours = ranking.ranked_keys()
    theirs = [t["uuid"] for t in by_urgency]
    # Ties aside (equal urgency), the orders agree.
    assert np.allclose(
        [dict(zip(task_list.input.keys, ranking.scores, strict=True))[k] for k in ours],
        [float(t["urgency"]) for t in by_urgency],
        atol=0.01,
    )
    assert ours[0] == theirs[0]
