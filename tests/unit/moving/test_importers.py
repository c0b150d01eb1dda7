"""The importers read each tool's real export shape and say what they could not map.

Fixtures: ``tests/fixtures/imports/`` (made by ``make_fixtures.py``, a few hundred records
each). These tests read them with the pure parsers; applying a plan is tested in
``tests/contract/test_imports.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from questlog_core.moving.drafts import DraftStatus, ImportPlan, MalformedImport
from questlog_core.moving.habitica import daily_rule, read_habitica
from questlog_core.moving.recurring import rule_of_every, rule_of_period
from questlog_core.moving.taskwarrior import read_taskwarrior
from questlog_core.moving.todoist import due_of, read_todoist

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def plan_of(name: str, zone: str = "UTC") -> ImportPlan:
    raw = (FIXTURES / name).read_bytes()
    reader = {"taskwarrior.json": read_taskwarrior, "habitica.json": read_habitica}.get(
        name, read_todoist
    )
    return reader(raw, now=NOW, timezone=zone)


def reasons(plan: ImportPlan, field: str | None = None) -> list[str]:
    return [u.reason for u in plan.unmapped if field is None or u.field == field]


# -- Taskwarrior ---------------------------------------------------------------------------------


def test_taskwarrior_maps_the_fields_a_task_export_has() -> None:
    raw = (
        b'[{"uuid":"a1","description":"Pay rent","status":"pending","entry":"20261017T102429Z",'
        b'"due":"20261116T222429Z","priority":"H","project":"home.bills","tags":["bills","money"],'
        b'"annotations":[{"entry":"20261020T080000Z","description":"ask for the receipt"}],'
        b'"depends":["b2"],"urgency":21.0},'
        b'{"uuid":"b2","description":"Get paid","status":"completed","entry":"20261001T000000Z",'
        b'"end":"20261005T120000Z","priority":"L"},'
        b'{"uuid":"c3","description":"Old idea","status":"deleted","entry":"20260101T000000Z"},'
        b'{"uuid":"d4","description":"Deploy","status":"pending","start":"20261020T090000Z",'
        b'"entry":"20261019T090000Z","depends":"a1,b2"}]'
    )
    plan = read_taskwarrior(raw, now=NOW)
    rent, paid, idea, deploy = plan.drafts
    assert rent.title == "Pay rent"
    assert rent.priority == 3
    assert paid.priority == 1
    assert rent.category == "home.bills"
    assert rent.tags == ("bills", "money")
    assert rent.due == datetime(2026, 11, 16, 22, 24, 29, tzinfo=UTC)
    assert rent.created_at == datetime(2026, 10, 17, 10, 24, 29, tzinfo=UTC)
    assert rent.notes == "2026-10-20: ask for the receipt"
    assert rent.depends_on == ("b2",)
    assert paid.status is DraftStatus.DONE
    assert paid.completed_at == datetime(2026, 10, 5, 12, tzinfo=UTC)
    assert idea.status is DraftStatus.ABANDONED
    assert deploy.status is DraftStatus.ACTIVE
    assert deploy.depends_on == ("a1", "b2")  # Taskwarrior 2.5's comma-separated form
    assert plan.unmapped == []


def test_taskwarrior_recurring_template_becomes_one_recurring_quest() -> None:
    plan = plan_of("taskwarrior.json")
    plants = [d for d in plan.drafts if d.title == "Water the plants"]
    template = [d for d in plants if d.recurrence is not None]
    assert len(template) == 1
    assert template[0].recurrence is not None
    assert template[0].recurrence.rule == "FREQ=WEEKLY"
    assert template[0].due is not None
    assert template[0].due >= NOW
    # the completed occurrence is history; the two pending ones are the template's job
    assert [d.status for d in plants if d.recurrence is None] == [DraftStatus.DONE]
    occurrences = [r for r in reasons(plan, "") if "pending occurrence of recurring" in r]
    assert len(occurrences) == 2


def test_taskwarrior_sample_reports_what_it_could_not_map() -> None:
    plan = plan_of("taskwarrior.json")
    assert plan.records == 306
    assert len(plan.drafts) == 304
    assert any("fortnightly-ish" in r for r in reasons(plan, "recur"))
    assert reasons(plan, "priority") == ["unknown priority 'X'"]
    assert len(reasons(plan, "estimate")) >= 1  # a user-defined attribute
    waiting = [d for d in plan.drafts if "Waiting until" in d.notes]
    assert waiting
    assert len(waiting) == len(reasons(plan, "wait"))
    long_title = [d for d in plan.drafts if d.title.endswith("…")]
    assert len(long_title) == 1
    assert len(long_title[0].title) == 200
    assert long_title[0].notes.startswith("Write the very long title and more words")


@pytest.mark.parametrize(
    "raw", [b"not json", b'{"tasks": []}', b"[" + b'{"uuid":"x"},' * 50_000 + b'{"uuid":"y"}]']
)
def test_taskwarrior_refuses_what_is_not_a_task_export(raw: bytes) -> None:
    with pytest.raises(MalformedImport):
        read_taskwarrior(raw, now=NOW)


# -- Todoist -------------------------------------------------------------------------------------


def test_todoist_csv_sections_indents_labels_notes_and_priorities() -> None:
    raw = (
        b"TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
        b"section,Errands,,,,,,,,\n"
        b"task,Buy paint @shop @weekend,Matte white,1,1,Ada (1),,2026-12-01,en,Europe/Berlin\n"
        b"note,Two litres,,,,Ada (1),,,,\n"
        b"task,Pick brushes,,3,2,Ada (1),,every monday,en,Europe/Berlin\n"
        b"task,Relax,,4,1,Ada (1),,,en,Europe/Berlin\n"
    )
    plan = read_todoist(raw, now=NOW, timezone="UTC")
    paint, brushes, relax = plan.drafts
    assert paint.title == "Buy paint"
    assert paint.tags == ("shop", "weekend", "Errands")
    assert paint.priority == 4
    assert brushes.priority == 2
    assert relax.priority == 0
    assert paint.notes == "Matte white\n\nTwo litres"
    # a date alone is due at the end of that day in the row's time zone (Berlin: UTC+1)
    assert paint.due == datetime(2026, 12, 1, 22, 59, tzinfo=UTC)
    assert brushes.parent == paint.external_id
    assert brushes.recurrence is not None
    assert brushes.recurrence.rule == "FREQ=WEEKLY;BYDAY=MO"
    assert relax.parent is None
    # ids are stable: the same file gives the same external ids
    again = read_todoist(raw, now=NOW, timezone="UTC")
    assert [d.external_id for d in again.drafts] == [d.external_id for d in plan.drafts]


def test_todoist_csv_sample() -> None:
    plan = plan_of("todoist.csv")
    assert plan.records > 250
    assert len(plan.drafts) >= 240
    assert any(d.parent for d in plan.drafts)
    assert any(d.recurrence is not None for d in plan.drafts)
    assert any("next full moon" in r for r in reasons(plan, "DATE"))
    kept = [d for d in plan.drafts if "Todoist due: next full moon" in d.notes]
    assert kept
    assert reasons(plan, "PRIORITY") == ["unknown priority 7"]
    assert "Questlog has no such field" in reasons(plan, "RESPONSIBLE")


def test_todoist_json_maps_api_priorities_parents_sections_and_recurring_dues() -> None:
    plan = plan_of("todoist.json")
    by_id = {d.external_id: d for d in plan.drafts}
    assert "7000000010" not in by_id  # deleted in Todoist
    assert "deleted in Todoist" in reasons(plan, "")
    assert {d.priority for d in plan.drafts} <= {0, 2, 3, 4}
    children = [d for d in plan.drafts if d.parent]
    # a sub-task of the deleted task keeps naming it; applying the plan makes it top-level
    assert children
    assert all(d.parent in by_id or d.parent == "7000000010" for d in children)
    assert any(d.category == "Work" for d in plan.drafts)
    assert any("Next-up" in d.tags for d in plan.drafts)  # spaces become dashes
    recurring = [d for d in plan.drafts if d.recurrence is not None]
    assert recurring
    assert all(d.recurrence.rule == "FREQ=WEEKLY" for d in recurring if d.recurrence)
    assert any("every 3rd friday" in r for r in reasons(plan, "due.string"))
    done = [d for d in plan.drafts if d.status is DraftStatus.DONE]
    assert done
    assert all(d.completed_at is not None for d in done)


def test_todoist_refuses_a_csv_without_its_columns() -> None:
    with pytest.raises(MalformedImport):
        read_todoist(b"name,when\nx,y\n", now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 14:30", datetime(2026, 12, 3, 14, 30, tzinfo=UTC)),
        ("2026-12-03T14:30:00Z", datetime(2026, 12, 3, 14, 30, tzinfo=UTC)),
        ("Dec 24 2026", datetime(2026, 12, 24, 23, 59, tzinfo=UTC)),
        ("tomorrow", datetime(2026, 11, 2, 23, 59, tzinfo=UTC)),
        ("whenever", None),
    ],
)
def test_due_strings(text: str, expected: datetime | None) -> None:
    from zoneinfo import ZoneInfo

    assert due_of(text, ZoneInfo("UTC"), NOW) == expected


# -- Habitica ------------------------------------------------------------------------------------


def test_habitica_sample_todos_dailies_checklists_and_what_is_left_out() -> None:
    plan = plan_of("habitica.json")
    assert plan.records == 290
    assert len(plan.drafts) == 240  # 160 to-dos and 80 dailies; habits and rewards reported
    assert len([r for r in reasons(plan, "") if r.startswith("Habitica habits")]) == 40
    assert len([r for r in reasons(plan, "") if r.startswith("Habitica rewards")]) == 10
    dailies = [d for d in plan.drafts if d.recurrence is not None]
    assert len(dailies) == 79  # one daily with everyX 0 is never due: a one-off quest
    streaks = [d for d in plan.drafts if "Habitica streak:" in d.notes]
    assert len(streaks) == len(reasons(plan, "streak"))
    ticked = [d for d in plan.drafts if any(item.done for item in d.checklist)]
    assert ticked
    assert {d.difficulty for d in plan.drafts} <= {"trivial", "easy", "medium", "hard"}
    assert any(d.tags for d in plan.drafts)


@pytest.mark.parametrize(
    ("daily", "rule"),
    [
        ({"frequency": "daily", "everyX": 2}, "FREQ=DAILY;INTERVAL=2"),
        (
            {
                "frequency": "weekly",
                "repeat": {
                    "m": True,
                    "t": False,
                    "w": True,
                    "th": False,
                    "f": True,
                    "s": False,
                    "su": False,
                },
            },
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        ),
        ({"frequency": "monthly", "daysOfMonth": [15]}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        (
            {
                "frequency": "monthly",
                "weeksOfMonth": [1],
                "repeat": {
                    "m": False,
                    "t": True,
                    "w": False,
                    "th": False,
                    "f": False,
                    "s": False,
                    "su": False,
                },
            },
            "FREQ=MONTHLY;BYDAY=+2TU",
        ),
        ({"frequency": "yearly"}, "FREQ=YEARLY"),
        ({"frequency": "daily", "everyX": 0}, None),
    ],
)
def test_habitica_daily_schedules(daily: dict[str, object], rule: str | None) -> None:
    assert daily_rule(daily) == rule


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("weekly", "FREQ=WEEKLY"),
        ("3d", "FREQ=DAILY;INTERVAL=3"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("sometimes", None),
    ],
)
def test_taskwarrior_periods(text: str, rule: str | None) -> None:
    assert rule_of_period(text) == rule


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("every day", "FREQ=DAILY"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every mon, fri at 9am", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("every other month", "FREQ=MONTHLY;INTERVAL=2"),
        ("every 3rd friday of the month", None),
        ("tomorrow", None),
    ],
)
def test_every_phrases(text: str, rule: str | None) -> None:
    assert rule_of_every(text) == rule
