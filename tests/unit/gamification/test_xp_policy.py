"""The XP rule: base by difficulty, multipliers, anti-farming and daily caps."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from questlog_core.gamification.xp import DEFAULT_XP_POLICY, CompletionContext, XpPolicy

NOW = datetime(2024, 3, 4, 12, tzinfo=UTC)


def ctx(**overrides: object) -> CompletionContext:
    base: dict[str, object] = {
        "difficulty": "medium",
        "priority": 2,
        "due": None,
        "completed_at": NOW,
        "created_at": NOW - timedelta(days=2),
        "on_time": True,
    }
    base.update(overrides)
    return CompletionContext(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("difficulty", "xp"),
    [("trivial", 5), ("easy", 10), ("medium", 20), ("hard", 40), ("epic", 80)],
)
def test_base_xp_by_difficulty(difficulty: str, xp: int) -> None:
    award = DEFAULT_XP_POLICY.award(ctx(difficulty=difficulty))
    assert award.amount == xp
    assert award.multipliers == ()


def test_early_beats_on_time_and_overdue_loses_per_day() -> None:
    early = DEFAULT_XP_POLICY.award(ctx(due=NOW + timedelta(days=2)))
    on_time = DEFAULT_XP_POLICY.award(ctx(due=NOW + timedelta(hours=2)))
    late_1 = DEFAULT_XP_POLICY.award(ctx(due=NOW - timedelta(hours=3), on_time=False))
    late_9 = DEFAULT_XP_POLICY.award(ctx(due=NOW - timedelta(days=9), on_time=False))
    assert (early.amount, on_time.amount, late_1.amount, late_9.amount) == (25, 22, 18, 10)
    assert [m.name for m in early.multipliers] == ["early"]
    assert late_9.multipliers[0].factor == pytest.approx(0.5)  # the overdue floor


def test_streak_blocking_and_combo_multiply_and_are_capped() -> None:
    award = DEFAULT_XP_POLICY.award(
        ctx(streak_days=100, unblocked_count=9, completed_earlier_today=20)
    )
    factors = {m.name: m.factor for m in award.multipliers}
    assert factors == pytest.approx({"streak": 1.5, "blocking": 1.5, "combo": 1.25})
    assert award.amount == round(20 * 1.5 * 1.5 * 1.25)


def test_critical_priority_counts_as_critical_path() -> None:
    award = DEFAULT_XP_POLICY.award(ctx(priority=4))
    assert {m.name: m.factor for m in award.multipliers} == {"blocking": 1.2}
    assert award.amount == 24


def test_quick_trivial_quests_earn_a_diminishing_amount() -> None:
    amounts = [
        DEFAULT_XP_POLICY.award(
            ctx(difficulty="trivial", created_at=NOW - timedelta(seconds=5), quick_earlier_today=n)
        ).amount
        for n in range(6)
    ]
    assert amounts == [5, 3, 1, 1, 0, 0]  # 5 × ½ⁿ, rounded half up


def test_a_slow_trivial_quest_is_not_farming() -> None:
    award = DEFAULT_XP_POLICY.award(
        ctx(difficulty="trivial", created_at=NOW - timedelta(minutes=5), quick_earlier_today=7)
    )
    assert award.amount == 5
    assert not award.quick


def test_daily_cap_per_difficulty_clips_the_award() -> None:
    award = DEFAULT_XP_POLICY.award(ctx(difficulty="hard", awarded_today_for_difficulty=790))
    assert award.amount == 10
    assert award.capped
    assert "daily cap" in award.reason
    assert DEFAULT_XP_POLICY.award(ctx(awarded_today_for_difficulty=400)).amount == 0


def test_a_deployment_can_replace_any_number() -> None:
    generous = dataclasses.replace(
        DEFAULT_XP_POLICY, base_by_difficulty={**DEFAULT_XP_POLICY.base_by_difficulty, "hard": 100}
    )
    assert generous.award(ctx(difficulty="hard")).amount == 100
    assert XpPolicy(on_time_multiplier=2.0).award(ctx(due=NOW + timedelta(hours=1))).amount == 40
