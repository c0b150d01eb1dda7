"""The quest entity: validation, the status machine, the reopen window, progress rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from adapters.memory import SequentialIds
from questlog_core.errors import InvalidTransition, QuestBlocked, QuestLocked, ValidationFailed
from questlog_core.events.quests import QuestCreated, QuestProgressed, QuestReopened
from questlog_core.ids import QuestId, UserId
from questlog_core.quests import TRANSITIONS, Quest, QuestStatus, Recurrence
from questlog_core.quests.model import REOPEN_WINDOW

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
OWNER = UserId(UUID(int=1))


def new_quest(**fields: object) -> Quest:
    ids = SequentialIds(100)
    return Quest.create(
        id=QuestId(UUID(int=50)),
        owner=OWNER,
        at=NOW,
        ids=ids,
        **{"title": "Write report", **fields},
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"difficulty": "legendary"}, "difficulty"),
        ({"priority": 9}, "priority"),
        ({"estimate_minutes": -5}, "estimate_minutes"),
        ({"due": NOW - timedelta(minutes=1)}, "due"),
        ({"due": datetime(2026, 4, 1)}, "due"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"tags": ["has space"]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"notes": "n" * 10_001}, "notes"),
        ({"category": "c" * 61}, "category"),
        ({"checklist": [""]}, "checklist"),
        ({"recurrence": Recurrence(rule="FREQ=DAILY")}, "due"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_quest(**fields)
    assert caught.value.field == field


def test_a_new_quest_is_todo_and_records_its_creation() -> None:
    quest = new_quest(title="  Write report  ", tags=["work", "work", "q1"], difficulty="hard")
    assert quest.title == "Write report"
    assert quest.tags == ("work", "q1")
    assert quest.status is QuestStatus.TODO
    assert quest.version == 1
    (event,) = quest.pull_events()
    assert isinstance(event, QuestCreated)
    assert event.difficulty == "hard"
    assert quest.pull_events() == []


def test_twenty_tags_and_a_200_character_title_are_fine() -> None:
    quest = new_quest(title="x" * 200, tags=[f"t{i}" for i in range(20)])
    assert len(quest.tags) == 20


ALL = list(QuestStatus)


def _in_status(status: QuestStatus) -> Quest:
    quest = new_quest()
    quest.status = status
    if status is QuestStatus.DONE:
        quest.completed_at = NOW
    return quest


def _move(quest: Quest, to: QuestStatus) -> None:
    ids = SequentialIds(500)
    at = NOW + timedelta(hours=1)
    if to is QuestStatus.ACTIVE:
        quest.start(at=at, ids=ids)
    elif to is QuestStatus.DONE:
        quest.complete(at=at, ids=ids)
    elif to is QuestStatus.ABANDONED:
        quest.abandon(at=at, ids=ids)
    elif to is QuestStatus.ARCHIVED:
        quest.archive(at=at, ids=ids)
    else:
        quest.reopen(at=at, ids=ids)


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_the_transitions_table_is_the_whole_truth(source: QuestStatus, target: QuestStatus) -> None:
    quest = _in_status(source)
    if target in TRANSITIONS[source]:
        _move(quest, target)
        assert quest.status is target
    else:
        with pytest.raises(InvalidTransition) as caught:
            _move(quest, target)
        assert caught.value.from_status == source
        assert caught.value.to_status == target
        assert quest.status is source


def test_completing_twice_is_refused() -> None:
    quest = new_quest()
    quest.complete(at=NOW, ids=SequentialIds(500))
    with pytest.raises(InvalidTransition):
        quest.complete(at=NOW, ids=SequentialIds(600))


def test_a_blocked_quest_names_its_unfinished_prerequisites() -> None:
    quest = new_quest()
    waiting = [QuestId(UUID(int=7)), QuestId(UUID(int=8))]
    with pytest.raises(QuestBlocked) as caught:
        quest.complete(at=NOW, ids=SequentialIds(500), unfinished_prerequisites=waiting)
    assert caught.value.prerequisites == waiting
    assert quest.status is QuestStatus.TODO


def test_reopen_works_inside_the_window_and_not_after() -> None:
    quest = new_quest()
    quest.complete(at=NOW, ids=SequentialIds(500))
    quest.reopen(at=NOW + REOPEN_WINDOW, ids=SequentialIds(600))
    assert quest.status is QuestStatus.TODO
    assert quest.completed_at is None
    assert isinstance(quest.pull_events()[-1], QuestReopened)

    quest.complete(at=NOW, ids=SequentialIds(700))
    with pytest.raises(InvalidTransition, match="reopen window"):
        quest.reopen(at=NOW + REOPEN_WINDOW + timedelta(seconds=1), ids=SequentialIds(800))
    assert quest.status is QuestStatus.DONE


def test_a_custom_reopen_window_is_honoured() -> None:
    quest = new_quest()
    quest.complete(at=NOW, ids=SequentialIds(500))
    with pytest.raises(InvalidTransition):
        quest.reopen(at=NOW + timedelta(hours=2), ids=SequentialIds(600), window=timedelta(hours=1))


def test_checklist_progress_reaching_100_does_not_complete_the_quest() -> None:
    quest = new_quest(checklist=["draft", "review"])
    quest.pull_events()
    quest.tick(0, True, at=NOW, ids=SequentialIds(500))
    assert quest.progress == 50
    quest.tick(1, True, at=NOW, ids=SequentialIds(600))
    assert quest.progress == 100
    assert quest.status is QuestStatus.TODO
    progressed = [e for e in quest.pull_events() if isinstance(e, QuestProgressed)]
    assert [(e.progress, e.ready_to_complete) for e in progressed] == [(50, False), (100, True)]


def test_manual_progress_is_refused_while_a_checklist_drives_it() -> None:
    quest = new_quest(checklist=["a"])
    with pytest.raises(ValidationFailed) as caught:
        quest.set_progress(40, at=NOW, ids=SequentialIds(500))
    assert caught.value.field == "progress"


@pytest.mark.parametrize("value", [-1, 101, 50.5, True, "50"])
def test_progress_must_be_a_whole_percentage(value: object) -> None:
    with pytest.raises(ValidationFailed):
        new_quest().set_progress(value, at=NOW, ids=SequentialIds(500))


def test_finished_quests_cannot_change_progress_and_archived_ones_cannot_be_edited() -> None:
    quest = new_quest()
    quest.complete(at=NOW, ids=SequentialIds(500))
    with pytest.raises(QuestLocked):
        quest.set_progress(10, at=NOW, ids=SequentialIds(600))
    quest.revise({"title": "Still editable once done"}, at=NOW, ids=SequentialIds(700))
    quest.archive(at=NOW, ids=SequentialIds(800))
    with pytest.raises(QuestLocked):
        quest.revise({"title": "Nope"}, at=NOW, ids=SequentialIds(900))


def test_revise_reports_only_real_changes_and_may_move_due_into_the_past() -> None:
    quest = new_quest(due=NOW + timedelta(days=1))
    quest.pull_events()
    assert quest.revise({"title": "Write report"}, at=NOW, ids=SequentialIds(500)) == []
    changed = quest.revise(
        {"title": "Ship report", "due": NOW - timedelta(days=1)}, at=NOW, ids=SequentialIds(600)
    )
    assert changed == ["title", "due"]
    with pytest.raises(ValidationFailed) as caught:
        quest.revise({"colour": "red"}, at=NOW, ids=SequentialIds(700))
    assert caught.value.field == "colour"


def test_a_quest_that_starts_repeating_becomes_the_first_of_its_series() -> None:
    quest = new_quest(due=NOW + timedelta(days=1))
    assert (quest.occurrence, quest.series_id) == (0, None)
    quest.revise({"recurrence": Recurrence(rule="FREQ=WEEKLY")}, at=NOW, ids=SequentialIds(500))
    assert (quest.occurrence, quest.series_id) == (1, quest.id)


def test_on_time_follows_the_due_date() -> None:
    late = new_quest(due=NOW + timedelta(hours=1))
    event = late.complete(at=NOW + timedelta(hours=2), ids=SequentialIds(500))
    assert event.on_time is False
    early = new_quest(due=NOW + timedelta(hours=1))
    assert early.complete(at=NOW, ids=SequentialIds(600)).on_time is True
