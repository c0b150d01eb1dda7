"""Recurrence rules: validation, local wall time across DST, both modes, COUNT and UNTIL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from questlog_core.errors import ValidationFailed
from questlog_core.quests import Recurrence, RecurrenceMode

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "INTERVAL=2",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;FOO=1",
        "FREQ=DAILY;BYHOUR=25",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;COUNT=3;UNTIL=20300101",
        "FREQ=DAILY;DTSTART=20260101T000000",
    ],
)
def test_a_bad_rule_is_refused_as_recurrence(rule: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        Recurrence(rule=rule)
    assert caught.value.field == "recurrence"


def test_unknown_time_zone_and_mode_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        Recurrence(rule="FREQ=DAILY", timezone="Mars/Olympus")
    with pytest.raises(ValidationFailed):
        Recurrence(rule="FREQ=DAILY", mode="whenever")  # type: ignore[arg-type]


def test_decoding_validates_too() -> None:
    with pytest.raises(ValidationFailed):
        msgspec.json.decode(b'{"rule": "FREQ=NEVER"}', type=Recurrence)
    decoded = msgspec.json.decode(b'{"rule": "rrule:freq=weekly;byday=mo"}', type=Recurrence)
    assert decoded.rule == "FREQ=WEEKLY;BYDAY=MO"


def test_daily_nine_oclock_stays_nine_oclock_across_spring_forward() -> None:
    rule = Recurrence(rule="FREQ=DAILY", timezone="Europe/Berlin")
    due = datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    local_times = []
    for occurrence in range(1, 5):
        due = rule.next_due(due=due, completed_at=due - timedelta(hours=1), occurrence=occurrence)
        assert due is not None
        local_times.append(due.astimezone(BERLIN).strftime("%m-%d %H:%M"))
    assert local_times == ["03-28 09:00", "03-29 09:00", "03-30 09:00", "03-31 09:00"]


def test_late_completion_skips_missed_occurrences_in_schedule_mode() -> None:
    rule = Recurrence(rule="FREQ=DAILY")
    due = datetime(2026, 3, 1, 9, tzinfo=UTC)
    nxt = rule.next_due(due=due, completed_at=datetime(2026, 3, 4, 12, tzinfo=UTC), occurrence=1)
    assert nxt == datetime(2026, 3, 5, 9, tzinfo=UTC)


def test_after_completion_counts_from_the_moment_of_completion() -> None:
    rule = Recurrence(rule="FREQ=DAILY;INTERVAL=3", mode=RecurrenceMode.AFTER_COMPLETION)
    done = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    assert rule.next_due(due=None, completed_at=done, occurrence=1) == done + timedelta(days=3)
    pinned = Recurrence(
        rule="FREQ=DAILY;INTERVAL=3;BYHOUR=9;BYMINUTE=0",
        timezone="Europe/Berlin",
        mode=RecurrenceMode.AFTER_COMPLETION,
    )
    nxt = pinned.next_due(due=None, completed_at=done, occurrence=1)
    assert nxt is not None
    assert nxt.astimezone(BERLIN) == datetime(2026, 3, 7, 9, 0, tzinfo=BERLIN)


def test_count_and_until_end_the_series() -> None:
    due = datetime(2026, 3, 1, 9, tzinfo=UTC)
    counted = Recurrence(rule="FREQ=DAILY;COUNT=2")
    assert counted.next_due(due=due, completed_at=due, occurrence=1) is not None
    assert counted.next_due(due=due, completed_at=due, occurrence=2) is None
    until = Recurrence(rule="FREQ=DAILY;UNTIL=20260302T090000Z")
    assert until.next_due(due=due, completed_at=due, occurrence=1) == due + timedelta(days=1)
    assert until.next_due(due=due + timedelta(days=1), completed_at=due, occurrence=2) is None


def test_a_scheduled_rule_needs_a_due_date() -> None:
    with pytest.raises(ValidationFailed) as caught:
        Recurrence(rule="FREQ=DAILY").next_due(
            due=None, completed_at=datetime(2026, 3, 1, tzinfo=UTC), occurrence=1
        )
    assert caught.value.field == "due"
