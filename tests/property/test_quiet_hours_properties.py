"""Quiet hours on the user's wall clock, through daylight-saving changes.

For any zone, window and instant: ``ends_after`` is ``None`` exactly when the instant is not
quiet; otherwise it is later, not quiet itself, and every instant from the given one up to
it (sampled, including the second before it) is quiet: the first moment a held email or push
may go out, never early and never later than needed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from questlog_core.notifications.preferences import QuietHours

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/Santiago",  # southern hemisphere, changes at midnight
    "Asia/Kolkata",
    "Pacific/Chatham",  # +12:45 / +13:45
]

#: instants near the DST changes of 2024–2025 in the zones above, where mistakes hide
DST_CHANGES = [
    datetime(2024, 3, 10, 7, tzinfo=UTC),  # New York springs forward
    datetime(2024, 3, 31, 1, tzinfo=UTC),  # Berlin springs forward
    datetime(2024, 10, 27, 1, tzinfo=UTC),  # Berlin falls back
    datetime(2024, 11, 3, 6, tzinfo=UTC),  # New York falls back
    datetime(2024, 4, 6, 15, tzinfo=UTC),  # Lord Howe falls back half an hour
    datetime(2024, 9, 8, 4, tzinfo=UTC),  # Santiago springs forward at midnight
    datetime(2025, 4, 5, 14, tzinfo=UTC),  # Chatham falls back
]

walls = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
instants = st.one_of(
    st.builds(
        lambda base, minutes: base + timedelta(minutes=minutes),
        st.sampled_from(DST_CHANGES),
        st.integers(-36 * 60, 36 * 60),
    ),
    st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
    ),
)


@settings(max_examples=600, deadline=None)
@given(zone=st.sampled_from(ZONES), start=walls, end=walls, at=instants)
# Berlin springs forward 02:00 -> 03:00: a window ending 02:30 ends at the jump (01:00 UTC).
@example(
    zone="Europe/Berlin", start=time(22), end=time(2, 30), at=datetime(2024, 3, 30, 23, tzinfo=UTC)
)
# Berlin falls back 03:00 -> 02:00 below a 02:30 start: the window ends at the fall.
@example(
    zone="Europe/Berlin",
    start=time(2, 30),
    end=time(5),
    at=datetime(2024, 10, 27, 0, 45, tzinfo=UTC),
)
def test_quiet_hours_end_at_the_first_moment_that_is_not_quiet(
    zone: str, start: time, end: time, at: datetime
) -> None:
    if start == end:
        return
    tz = ZoneInfo(zone)
    window = QuietHours(start=start, end=end)
    ends = window.ends_after(at, tz)
    if not window.is_quiet(at, tz):
        assert ends is None
        return
    assert ends is not None
    assert ends > at
    assert not window.is_quiet(ends, tz)
    assert ends - at <= timedelta(hours=25)
    span = ends - at
    for step in range(10):
        assert window.is_quiet(at + span * step / 10, tz)
    assert window.is_quiet(max(at, ends - timedelta(seconds=1)), tz)


def test_spring_forward_over_the_end_releases_at_the_jump() -> None:
    tz = ZoneInfo("Europe/Berlin")
    window = QuietHours(start=time(22), end=time(2, 30))
    # 23:00 UTC on 30 March = 00:00 CET; at 01:00 UTC clocks jump from 02:00 to 03:00.
    ends = window.ends_after(datetime(2024, 3, 30, 23, tzinfo=UTC), tz)
    assert ends == datetime(2024, 3, 31, 1, tzinfo=UTC)


def test_fall_back_holds_until_the_first_time_the_end_is_reached() -> None:
    tz = ZoneInfo("America/New_York")
    window = QuietHours(start=time(22), end=time(1, 30))
    # 3 November 2024: 01:30 EDT (05:30 UTC) comes first, 01:30 EST an hour later.
    ends = window.ends_after(datetime(2024, 11, 3, 3, tzinfo=UTC), tz)
    assert ends == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
