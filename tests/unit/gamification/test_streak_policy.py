"""The streak rules on their own: local days, finalizing once, freezes, break policies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from questlog_core.errors import ValidationFailed
from questlog_core.gamification.streaks import (
    KeepFraction,
    Streak,
    StreakPolicy,
    XpPenaltyOnBreak,
    day_start,
    local_day,
)

POLICY = StreakPolicy()
MON = date(2024, 3, 4)


def test_a_night_owls_day_ends_at_their_day_start_hour() -> None:
    at = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)  # 02:30 Tuesday in Berlin
    assert local_day(at, "Europe/Berlin", 4) == MON
    assert local_day(at, "Europe/Berlin", 0) == MON + timedelta(1)


def test_dst_days_are_23_and_25_hours_long_but_one_day_each() -> None:
    spring = day_start(date(2024, 3, 11), "America/New_York") - day_start(
        date(2024, 3, 10), "America/New_York"
    )
    autumn = day_start(date(2024, 11, 4), "America/New_York") - day_start(
        date(2024, 11, 3), "America/New_York"
    )
    assert (spring, autumn) == (timedelta(hours=23), timedelta(hours=25))


def test_unknown_zone_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed):
        local_day(datetime.now(UTC), "Atlantis/Capital")


def _streak_of(days: int) -> Streak:
    s = Streak()
    for i in range(days):
        s = POLICY.credit(s, f"q{i}:0", MON + timedelta(i))
    s, _ = POLICY.finalize_through(s, MON + timedelta(days - 1))
    return s


def test_finalizing_is_idempotent_per_date() -> None:
    s = _streak_of(3)
    again, outcomes = POLICY.finalize_through(s, MON + timedelta(2))
    assert (again, outcomes) == (s, [])
    assert s.current == 3


def test_a_credit_for_a_final_day_counts_for_the_first_open_day() -> None:
    s = _streak_of(3)
    s = POLICY.credit(s, "late:0", MON)
    assert s.credited_day("late:0") == MON + timedelta(3)


def test_reopen_withdraws_only_open_credits() -> None:
    s = _streak_of(2)
    s = POLICY.credit(s, "today:0", MON + timedelta(2))
    assert s.displayed() == 3
    assert POLICY.uncredit(s, "today:0").displayed() == 2
    assert POLICY.uncredit(s, "q0:0") == s  # Monday is final: stays counted


@pytest.mark.parametrize(
    ("penalty", "kept", "xp"),
    [(KeepFraction(0.5), 2, 0), (XpPenaltyOnBreak(per_day=2, cap=100), 0, 10)],
)
def test_break_penalty_is_a_policy(penalty: object, kept: int, xp: int) -> None:
    policy = StreakPolicy(break_penalty=penalty)  # type: ignore[arg-type]
    s = _streak_of(5)
    s, outcomes = policy.finalize_through(s, MON + timedelta(5))
    assert [(o.kind, o.length, o.xp_penalty) for o in outcomes] == [("broken", kept, xp)]


def test_freezes_are_capped() -> None:
    s = _streak_of(30)
    assert s.freezes == POLICY.freeze_cap
