"""Preferences, quiet hours, due-time rules, templates and unsubscribe tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import pytest

from questlog_core.errors import ValidationFailed
from questlog_core.ids import QuestId, UserId
from questlog_core.notifications import rules
from questlog_core.notifications.model import Channel, Kind, Notification
from questlog_core.notifications.preferences import DEFAULT_CHANNELS, Preferences, QuietHours
from questlog_core.notifications.templates import TEMPLATES, render_email
from questlog_core.notifications.unsubscribe import UnsubscribeLinkRejected, UnsubscribeLinks

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_every_kind_has_channels_and_an_email_template() -> None:
    assert set(DEFAULT_CHANNELS) == set(Kind)
    assert set(TEMPLATES) == set(Kind)


def test_opting_out_keeps_only_the_in_app_history() -> None:
    prefs = Preferences(opted_out=True)
    for kind in Kind:
        assert prefs.channels_for(kind) <= {Channel.IN_APP}
    assert Preferences().channels_for(Kind.LEVEL_UP) == {Channel.IN_APP, Channel.EMAIL}


def test_quiet_hours_hold_email_until_the_users_morning() -> None:
    prefs = Preferences(quiet_hours=QuietHours(start=time(22), end=time(7)))
    # 23:30 in Berlin (CET, UTC+1) is 22:30 UTC: held until 07:00 Berlin = 06:00 UTC.
    late = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    assert prefs.hold_until(late, "Europe/Berlin") == datetime(2026, 3, 3, 6, tzinfo=UTC)
    assert prefs.hold_until(NOON, "Europe/Berlin") == NOON
    # The same instant is 17:30 in New York: not quiet there.
    assert prefs.hold_until(late, "America/New_York") == late


@pytest.mark.parametrize(
    "bad",
    [
        {"reminder_offsets_minutes": (0,)},
        {"reminder_offsets_minutes": (60, 60)},
        {"reminder_offsets_minutes": (1, 2, 3, 4, 5, 6)},
    ],
)
def test_bad_reminder_offsets_are_refused(bad: dict[str, tuple[int, ...]]) -> None:
    with pytest.raises(ValidationFailed):
        Preferences(**bad)


def test_quiet_hours_need_two_different_times() -> None:
    with pytest.raises(ValidationFailed):
        QuietHours(start=time(7), end=time(7))


def test_reminders_fall_due_before_the_due_time_and_never_in_the_past() -> None:
    due = NOON + timedelta(hours=3)
    assert rules.reminder_times(due, (1440, 60), NOON) == [(60, due - timedelta(hours=1))]
    quest = QuestId(uuid4())
    assert rules.reminder_key(quest, due, 60, "a") != rules.reminder_key(quest, due, 1440, "a")


def test_streak_at_risk_is_the_players_evening() -> None:
    at = rules.streak_at_risk_at(date(2026, 7, 1), "America/New_York")
    assert at == datetime(2026, 7, 2, 0, tzinfo=UTC)  # 20:00 EDT


def test_retries_back_off_exponentially_up_to_an_hour() -> None:
    delays = [rules.retry_delay(n) for n in range(1, 10)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert delays == sorted(delays)
    assert delays[-1] == rules.LONGEST_RETRY


def _notification(title: str, body: str) -> Notification:
    return Notification(
        id=uuid4(),
        user=UserId(uuid4()),
        kind=Kind.ACHIEVEMENT_UNLOCKED,
        key="k",
        title=title,
        body=body,
        created_at=NOON,
    )


def test_email_templates_escape_html_and_link_to_unsubscribe() -> None:
    email = render_email(_notification("<b>First\nQuest</b>", "a & b"), "https://q/unsub?t=1")
    assert email.subject == "Achievement unlocked: <b>First Quest</b>"
    assert "a & b" in email.text
    assert "https://q/unsub?t=1" in email.text
    assert "&lt;b&gt;First" in email.html
    assert "a &amp; b" in email.html
    assert "<b>First" not in email.html


def test_an_unsubscribe_token_is_bound_to_its_user_kind_and_key() -> None:
    links = UnsubscribeLinks(b"k" * 32)
    user = UserId(uuid4())
    token = links.token(user, Kind.REMINDER)
    granted = links.verify(token)
    assert (granted.user, granted.kind, granted.channel) == (user, Kind.REMINDER, Channel.EMAIL)
    payload, _, signature = token.partition(".")
    other = links.token(user, Kind.LEVEL_UP).partition(".")[0]
    for forged in (f"{other}.{signature}", f"{payload}.{signature[:-2]}AA", "garbage", ""):
        with pytest.raises(UnsubscribeLinkRejected):
            links.verify(forged)
    with pytest.raises(UnsubscribeLinkRejected):
        UnsubscribeLinks(b"x" * 32).verify(token)
