"""The iCalendar importer: VTODOs become quest drafts, everything else is reported.

The sample is ``tests/fixtures/imports/ical.ics`` (written by ``make_fixtures.py``, not by the
``icalendar`` library), plus small hand-written calendars for single rules.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.ical import IMPORT_READERS, ical_priority, priority_of_ical, read_ical
from questlog_core.errors import ValidationFailed
from questlog_core.moving.drafts import DraftStatus, MalformedImport
from questlog_core.moving.reading import read_plan

SAMPLE = Path(__file__).parents[2] / "fixtures" / "imports" / "ical.ics"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def calendar(*todo_lines: str) -> bytes:
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *todo_lines, "END:VCALENDAR"]
    )
    return (body + "\r\n").encode()


def todo(*lines: str, uid: str = "t-1", summary: str = "Pay rent") -> list[str]:
    return [
        "BEGIN:VTODO",
        f"UID:{uid}",
        "DTSTAMP:20261101T090000Z",
        f"SUMMARY:{summary}",
        *lines,
        "END:VTODO",
    ]


def test_the_sample_maps_its_todos_and_reports_events_journals_and_odd_rules() -> None:
    plan = read_ical(SAMPLE.read_bytes(), now=NOW, timezone="Europe/Berlin")
    assert plan.records == 327  # 320 VTODOs, 6 VEVENTs, 1 VJOURNAL
    assert len(plan.drafts) == 319  # one VTODO has no SUMMARY
    whole = [u for u in plan.unmapped if u.field == ""]
    assert sum("VEVENT" in u.reason for u in whole) == 6
    assert sum("VJOURNAL" in u.reason for u in whole) == 1
    assert any(u.reason == "no SUMMARY" for u in whole)
    rrules = [u for u in plan.unmapped if u.field == "RRULE"]
    assert any("MINUTELY" in u.reason for u in rrules)
    assert any("COUNT and UNTIL" in u.reason for u in rrules)
    assert any(u.field == "VALARM" for u in plan.unmapped)
    assert any(u.field == "X-APPLE-SORT-ORDER" for u in plan.unmapped)
    assert {d.status for d in plan.drafts} == set(DraftStatus)
    assert any(d.recurrence is not None for d in plan.drafts)
    assert any(d.parent for d in plan.drafts)
    assert any(d.depends_on for d in plan.drafts)
    assert len({d.external_id for d in plan.drafts}) == len(plan.drafts)


def test_escaped_text_and_several_categories_come_over() -> None:
    raw = calendar(
        *todo(
            r"DESCRIPTION:Bring: passport\, ticket\; the charger\nand snacks",
            "CATEGORIES:errand,Home Office",
            "CATEGORIES:phone",
            summary=r"Pay rent\; milk\, eggs",
        )
    )
    (draft,) = read_ical(raw, now=NOW).drafts
    assert draft.title == "Pay rent; milk, eggs"
    assert draft.notes == "Bring: passport, ticket; the charger\nand snacks"
    assert draft.tags == ("errand", "Home-Office", "phone")


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("DUE:20261203T170000Z", datetime(2026, 12, 3, 17, 0, tzinfo=UTC)),
        # Berlin is UTC+1 in December
        ("DUE;TZID=Europe/Berlin:20261203T170000", datetime(2026, 12, 3, 16, 0, tzinfo=UTC)),
        # floating: read in the import's zone
        ("DUE:20261203T170000", datetime(2026, 12, 3, 16, 0, tzinfo=UTC)),
        # a date alone: the end of that day in the import's zone
        ("DUE;VALUE=DATE:20261203", datetime(2026, 12, 3, 22, 59, tzinfo=UTC)),
    ],
)
def test_due_dates_in_every_shape_become_utc_moments(due: str, expected: datetime) -> None:
    (draft,) = read_ical(calendar(*todo(due)), now=NOW, timezone="Europe/Berlin").drafts
    assert draft.due == expected


def test_statuses_completion_and_priorities_map_both_ways() -> None:
    raw = calendar(
        *todo("STATUS:COMPLETED", "COMPLETED:20261030T080000Z", "PRIORITY:1", uid="a"),
        *todo("STATUS:CANCELLED", "PRIORITY:5", uid="b"),
        *todo("STATUS:IN-PROCESS", "DTSTART:20261029T080000Z", "PRIORITY:9", uid="c"),
        *todo("COMPLETED:20261030T080000Z", uid="d"),  # completed without a STATUS
    )
    a, b, c, d = read_ical(raw, now=NOW).drafts
    assert (a.status, a.completed_at, a.priority) == (
        DraftStatus.DONE,
        datetime(2026, 10, 30, 8, 0, tzinfo=UTC),
        4,
    )
    assert (b.status, b.priority) == (DraftStatus.ABANDONED, 2)
    assert (c.status, c.started_at, c.priority) == (
        DraftStatus.ACTIVE,
        datetime(2026, 10, 29, 8, 0, tzinfo=UTC),
        1,
    )
    assert d.status is DraftStatus.DONE
    for priority in range(5):
        assert priority_of_ical(ical_priority(priority)) == priority


def test_a_repeating_todo_keeps_its_rule_and_starts_at_the_next_occurrence() -> None:
    raw = calendar(*todo("DUE:20261001T070000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO"))
    (draft,) = read_ical(raw, now=NOW, timezone="Europe/Berlin").drafts
    assert draft.recurrence is not None
    assert "FREQ=WEEKLY" in draft.recurrence.rule
    assert draft.due is not None
    assert draft.due > NOW
    assert draft.due.astimezone(ZoneInfo("Europe/Berlin")).weekday() == 0  # a Monday


def test_relations_become_parents_and_dependencies() -> None:
    raw = calendar(
        *todo(uid="parent"),
        *todo("RELATED-TO:parent", uid="child"),
        *todo("RELATED-TO;RELTYPE=DEPENDS-ON:child", uid="after"),
        *todo("RELATED-TO;RELTYPE=SIBLING:child", uid="odd"),
    )
    plan = read_ical(raw, now=NOW)
    by_id = {d.external_id: d for d in plan.drafts}
    assert by_id["child"].parent == "parent"
    assert by_id["after"].depends_on == ("child",)
    assert [u.field for u in plan.unmapped] == ["RELATED-TO"]


def test_not_a_calendar_is_a_malformed_import() -> None:
    with pytest.raises(MalformedImport):
        read_ical(b'{"tasks": []}', now=NOW)
    with pytest.raises(MalformedImport):
        read_ical(b"", now=NOW)


def test_the_apps_read_ical_through_read_plan_and_the_domain_alone_says_it_cannot() -> None:
    plan = read_plan("ical", calendar(*todo()), now=NOW, readers=IMPORT_READERS)
    assert [d.title for d in plan.drafts] == ["Pay rent"]
    with pytest.raises(ValidationFailed) as refused:
        read_plan("ical", calendar(*todo()), now=NOW)
    assert refused.value.field == "from"
