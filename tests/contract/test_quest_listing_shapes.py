"""A page listed straight into the API's shape (``list_as``) is the page ``list`` gives, built
into :class:`~apps.quest.schemas.QuestOut` the old way: same quests, order, values, cursors
and JSON bytes, on memory, SQLite and PostgreSQL, for every sort, direction and filter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from adapters.sql.quests.unit_of_work import SqlQuestUnitOfWork
from apps.container.quests import reading_quest_uow
from apps.quest.schemas import QuestOut
from questlog_core.ids import QuestId, TemplateId
from questlog_core.ports.quests import QuestQuery, QuestSort
from questlog_core.quests.model import Difficulty, Priority, QuestStatus
from questlog_core.quests.recurrence import Recurrence, RecurrenceMode

from .conftest import QuestBackend
from .quest_builders import IDS, later, new_quest, new_user


def _variety(owner: Any) -> list[Any]:
    """Quests that exercise every field: text needing JSON escapes, tags, checklists ticked
    and not, progress, recurrences of both modes, due dates with and without microseconds,
    every status, parents, templates, series."""
    quests = []
    parent = new_quest(owner, "Parent quest", at=later(0))
    quests.append(parent)
    odd_text = 'Quotes " and \\ backslash\n\ttab \x01 control, é ß 🐉 \u2028 </script>'
    quests.append(
        new_quest(
            owner,
            odd_text[:100],
            at=later(1),
            notes=odd_text * 3,
            category="Ünïcode",
            tags=("épique", 'a"quote', "back\\slash"),
            difficulty=Difficulty.EPIC,
            priority=Priority.CRITICAL,
            due=datetime(2026, 4, 1, 12, 0, tzinfo=UTC),  # no microseconds
            estimate_minutes=90,
            checklist=("first", "second", "third"),
            parent_id=parent.id,
        )
    )
    recurring = new_quest(
        owner,
        "Water the plants",
        at=later(2),
        due=later(60) + timedelta(microseconds=7),
        recurrence=Recurrence(rule="FREQ=WEEKLY;BYDAY=MO,TH", timezone="Europe/Berlin"),
        template_id=TemplateId(uuid.uuid4()),
    )
    quests.append(recurring)
    after = new_quest(
        owner,
        "Cut hair",
        at=later(3),
        due=later(24 * 60),
        recurrence=Recurrence(
            rule="FREQ=MONTHLY", timezone="UTC", mode=RecurrenceMode.AFTER_COMPLETION
        ),
    )
    quests.append(after)
    ticked = new_quest(owner, "Pack", at=later(4), checklist=("tent", "stove"), tags=("trip",))
    ticked.tick(0, True, at=later(5), ids=IDS)
    quests.append(ticked)
    progressed = new_quest(owner, "Read the book", at=later(4), priority=Priority.LOW)
    progressed.set_progress(40, at=later(6), ids=IDS)
    progressed.start(at=later(7), ids=IDS)
    quests.append(progressed)
    done = new_quest(owner, "Done already", at=later(5), due=later(30), tags=("trip",))
    done.complete(at=later(8), ids=IDS)
    quests.append(done)
    abandoned = new_quest(owner, "Given up", at=later(5), priority=Priority.HIGH)
    abandoned.abandon(at=later(9), ids=IDS)
    quests.append(abandoned)
    archived = new_quest(owner, "Archived", at=later(6))
    archived.archive(at=later(10), ids=IDS)
    quests.append(archived)
    for i in range(9):  # ties on every sort value
        quests.append(
            new_quest(
                owner,
                f"Plain {i}",
                at=later(7 + i // 3),
                priority=Priority(i % 5),
                due=None if i % 2 else later(500 + i // 4),
                parent_id=parent.id if i == 4 else None,
                category="chores" if i % 3 == 0 else None,
            )
        )
    return quests


QUERIES: list[dict[str, Any]] = [
    {},
    {"status": tuple(s for s in QuestStatus if s is not QuestStatus.ARCHIVED)},
    {"status": (QuestStatus.DONE, QuestStatus.ARCHIVED)},
    {"category": "chores"},
    {"category": "Ünïcode"},
    {"tag": "trip"},
    {"tag": "épique"},
    {"due_after": later(30), "due_before": later(600)},
    {"text": "PLANT"},
    {"text": "ß"},
    {"blocked": True},
    {"blocked": False},
    *({"sort": sort, "descending": d} for sort in QuestSort for d in (False, True)),
]


def _reading_uow(backend: QuestBackend) -> Any:
    if backend.engine is None:
        return backend.uow()
    return reading_quest_uow(backend.engine, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [50, 4])
@pytest.mark.parametrize("fields", QUERIES, ids=repr)
async def test_a_listed_page_is_the_old_answer(
    quest_backend: QuestBackend, fields: dict[str, Any], limit: int
) -> None:
    owner = new_user()
    quests = _variety(owner)
    quests.append(new_quest(new_user(), "Somebody else's plant", tags=("trip",)))
    async with quest_backend.uow() as uow:
        for quest in quests:
            await uow.quests.add(quest)
        dependent = quests[-3]
        await uow.dependencies.add(owner, quests[1].id, dependent.id)  # open: blocked
        await uow.dependencies.add(owner, quests[6].id, quests[-2].id)  # done: not blocked
        await uow.commit()

    cursor = None
    pages = 0
    listed: list[QuestId] = []
    while True:
        query = QuestQuery(**fields, cursor=cursor, limit=limit)
        async with quest_backend.uow() as uow:
            old = await uow.quests.list(owner, query)
        async with _reading_uow(quest_backend) as uow:
            new = await uow.quests.list_as(owner, query, QuestOut)
        expected = [QuestOut.from_domain(q) for q in old.items]
        assert new.items == expected
        assert msgspec.json.encode(new.items) == msgspec.json.encode(expected)
        assert new.next_cursor == old.next_cursor
        listed += [q.id for q in new.items]
        pages += 1
        cursor = new.next_cursor
        if cursor is None:
            break
    assert pages >= 1
    assert len(listed) == len(set(listed))
    if not fields:
        assert len(listed) == len(quests) - 1  # every status, nobody else's


# SQL only: the SQL adapters build each row's document from the shape's fields (the memory
# adapter converts whole quests, so it has no document to refuse up front)
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_a_shape_the_rows_cannot_fill_is_refused(quest_backend: QuestBackend) -> None:
    class Nameless(msgspec.Struct):
        id: uuid.UUID
        nickname: str

    owner = new_user()
    assert quest_backend.engine is not None
    async with SqlQuestUnitOfWork(quest_backend.engine) as uow:
        with pytest.raises(TypeError, match="nickname"):
            await uow.quests.list_as(owner, QuestQuery(), Nameless)
