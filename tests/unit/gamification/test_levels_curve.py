"""The published level curve and the unlock table."""

from __future__ import annotations

import pytest

from questlog_core.gamification.levels import DEFAULT_LEVEL_CURVE as CURVE


def test_habitica_curve_for_the_first_twenty_levels() -> None:
    assert [CURVE.xp_to_next(level) for level in range(1, 21)] == [
        25, 50, 75, 100, 150, 210, 220, 240, 250, 260,
        280, 300, 310, 330, 350, 360, 380, 400, 420, 440,
    ]  # fmt: skip


def test_formula_rounds_half_up_like_javascript() -> None:
    for level in range(6, 200):
        exact = (0.25 * level**2 + 10 * level + 139.75) / 10
        assert CURVE.xp_to_next(level) == int(exact + 0.5) * 10


@pytest.mark.parametrize(
    ("xp", "level"),
    [(0, 1), (24, 1), (25, 2), (74, 2), (75, 3), (249, 4), (250, 5), (399, 5), (400, 6)],
)
def test_level_for_total_xp(xp: int, level: int) -> None:
    assert CURVE.level_for(xp) == level


def test_progress_within_a_level() -> None:
    progress = CURVE.progress(100)
    assert (progress.level, progress.xp_into_level, progress.xp_for_next) == (3, 25, 75)


def test_unlocks_follow_the_declared_table() -> None:
    assert CURVE.unlocked_at(3) == ("templates",)
    assert "custom_achievements" in CURVE.unlocked_at(10)
    assert CURVE.features_for(1) == ()
    assert CURVE.newly_unlocked(2, 10) == (
        "templates",
        "weekly_insights",
        "custom_streak_rules",
        "custom_achievements",
    )
