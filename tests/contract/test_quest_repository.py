"""Contract of the quest repositories: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from questlog_core.errors import (
    AlreadyExists,
    CategoryNotFound,
    ConcurrencyConflict,
    QuestNotFound,
    TemplateNotFound,
    ValidationFailed,
)
from questlog_core.ids import CategoryId, QuestId, TemplateId
from questlog_core.ports.quests import QuestQuery, QuestSort, scan_key
from questlog_core.quests.model import Difficulty, Priority, QuestStatus
from questlog_core.quests.recurrence import Recurrence
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep

from .conftest import QuestBackend
from .quest_builders import IDS, T0, later, new_quest, new_user, state


async def _store(backend: QuestBackend, *quests: object) -> None:
    async with backend.uow() as uow:
        for quest in quests:
            await uow.quests.add(quest)
        await uow.commit()


async def test_a_stored_quest_comes_back_with_every_field(quest_backend: QuestBackend) -> None:
    owner = new_user()
    quest = new_quest(
        owner,
        "Write the saga",
        notes="Ünïcode notes\nwith lines",
        category="writing",
        tags=("epic", "ink"),
        difficulty=Difficulty.HARD,
        priority=Priority.HIGH,
        due=T0 + timedelta(days=3, microseconds=7),
        estimate_minutes=90,
        recurrence=Recurrence(rule="FREQ=WEEKLY;BYDAY=MO", timezone="Europe/Berlin"),
        checklist=("outline", "draft"),
    )
    quest.start(at=later(5), ids=IDS)
    await _store(quest_backend, quest)

    async with quest_backend.uow() as uow:
        loaded = await uow.quests.get(owner, quest.id)

    assert state(loaded) == state(quest)
    assert loaded.due is not None
    assert loaded.due.utcoffset() == timedelta(0)


async def test_another_owner_cannot_read_change_or_delete_a_quest(
    quest_backend: QuestBackend,
) -> None:
    owner, intruder = new_user(), new_user()
    quest = new_quest(owner)
    await _store(quest_backend, quest)

    async with quest_backend.uow() as uow:
        with pytest.raises(QuestNotFound):
            await uow.quests.get(intruder, quest.id)
        with pytest.raises(QuestNotFound):
            await uow.quests.delete(intruder, quest.id)
        stolen = new_quest(intruder, "mine now", quest_id=quest.id)
        with pytest.raises(QuestNotFound):
            await uow.quests.update(stolen, 1)
        assert (await uow.quests.list(intruder, QuestQuery())).items == []
        assert await uow.quests.statuses(intruder, [quest.id]) == {}


async def test_an_id_is_taken_once(quest_backend: QuestBackend) -> None:
    owner = new_user()
    quest = new_quest(owner)
    await _store(quest_backend, quest)
    with pytest.raises(AlreadyExists):
        await _store(quest_backend, new_quest(new_user(), "copy", quest_id=quest.id))


async def test_a_series_has_one_quest_per_occurrence(quest_backend: QuestBackend) -> None:
    owner = new_user()
    series = QuestId(uuid.uuid4())
    first = new_quest(owner, "Water plants", quest_id=series, series_id=series, occurrence=1)
    second = new_quest(owner, "Water plants", series_id=series, occurrence=2)
    await _store(quest_backend, first, second)
    with pytest.raises(AlreadyExists):
        await _store(quest_backend, new_quest(owner, "again", series_id=series, occurrence=2))
    async with quest_backend.uow() as uow:
        found = await uow.quests.get_occurrence(owner, series, 2)
        assert found is not None
        assert found.id == second.id
        assert await uow.quests.get_occurrence(owner, series, 3) is None
        assert await uow.quests.get_occurrence(new_user(), series, 2) is None


async def test_updates_are_optimistic(quest_backend: QuestBackend) -> None:
    owner = new_user()
    quest = new_quest(owner)
    await _store(quest_backend, quest)

    async with quest_backend.uow() as uow:
        loaded = await uow.quests.get(owner, quest.id)
        loaded.revise({"title": "Slay two dragons"}, at=later(1), ids=IDS)
        await uow.quests.update(loaded, expected_version=1)
        assert loaded.version == 2
        await uow.commit()

    async with quest_backend.uow() as uow:
        stale = await uow.quests.get(owner, quest.id)
        stale.revise({"title": "stale"}, at=later(2), ids=IDS)
        with pytest.raises(ConcurrencyConflict) as conflict:
            await uow.quests.update(stale, expected_version=1)
        assert conflict.value.extra["actual_version"] == 2
        ghost = new_quest(owner, "never stored")
        with pytest.raises(QuestNotFound):
            await uow.quests.update(ghost, expected_version=1)

    async with quest_backend.uow() as uow:
        assert (await uow.quests.get(owner, quest.id)).title == "Slay two dragons"


async def test_a_deleted_quest_is_gone(quest_backend: QuestBackend) -> None:
    owner = new_user()
    quest = new_quest(owner)
    await _store(quest_backend, quest)
    async with quest_backend.uow() as uow:
        await uow.quests.delete(owner, quest.id)
        await uow.commit()
    async with quest_backend.uow() as uow:
        with pytest.raises(QuestNotFound):
            await uow.quests.get(owner, quest.id)
        with pytest.raises(QuestNotFound):
            await uow.quests.delete(owner, quest.id)


async def test_listing_filters(quest_backend: QuestBackend) -> None:
    owner = new_user()
    parent = new_quest(owner, "Parent")
    a = new_quest(
        owner,
        "Buy Straße map",
        category="errands",
        tags=("shop",),
        due=later(60),
        parent_id=parent.id,
    )
    b = new_quest(owner, "Call mum", notes="about the MAP", tags=("family", "shop"), due=later(600))
    c = new_quest(owner, "50% done_thing", category="errands")
    c.start(at=later(1), ids=IDS)
    d = new_quest(owner, "Old news")
    d.abandon(at=later(2), ids=IDS)
    other = new_quest(new_user(), "Buy map", category="errands", tags=("shop",))
    await _store(quest_backend, parent, a, b, c, d, other)

    async def ids(**query: object) -> set[QuestId]:
        async with quest_backend.uow() as uow:
            page = await uow.quests.list(owner, QuestQuery(**query))  # type: ignore[arg-type]
            return {q.id for q in page.items}

    assert await ids() == {parent.id, a.id, b.id, c.id, d.id}
    assert await ids(status=(QuestStatus.ACTIVE, QuestStatus.ABANDONED)) == {c.id, d.id}
    assert await ids(category="errands") == {a.id, c.id}
    assert await ids(tag="shop") == {a.id, b.id}
    assert await ids(tag="sho") == set()
    assert await ids(due_after=later(60)) == {a.id, b.id}
    assert await ids(due_before=later(60)) == set()
    assert await ids(due_after=later(61), due_before=later(601)) == {b.id}
    assert await ids(text="MAP") == {a.id, b.id}  # a's title, b's notes
    assert await ids(text="strasse") == {a.id}
    assert await ids(text="50%") == {c.id}
    assert await ids(text="e_t") == {c.id}
    assert await ids(parent_id=parent.id) == {a.id}
    with pytest.raises(ValidationFailed):
        await ids(text="x" * 201)


async def test_text_search_folds_case_like_python(quest_backend: QuestBackend) -> None:
    owner = new_user()
    a = new_quest(owner, "Buy Straße map")
    b = new_quest(owner, "ÉCOLE visit")
    await _store(quest_backend, a, b)
    async with quest_backend.uow() as uow:
        found = await uow.quests.list(owner, QuestQuery(text="STRASSE"))
        assert [q.id for q in found.items] == [a.id]
        found = await uow.quests.list(owner, QuestQuery(text="école"))
        assert [q.id for q in found.items] == [b.id]


async def test_blocked_means_an_open_prerequisite(quest_backend: QuestBackend) -> None:
    owner = new_user()
    first, second, third = (new_quest(owner, t) for t in ("first", "second", "third"))
    done = new_quest(owner, "done")
    done.complete(at=later(1), ids=IDS)
    after_done = new_quest(owner, "after done")
    await _store(quest_backend, first, second, third, done, after_done)
    async with quest_backend.uow() as uow:
        await uow.dependencies.add(owner, first.id, second.id)
        await uow.dependencies.add(owner, done.id, after_done.id)
        await uow.commit()
    async with quest_backend.uow() as uow:
        blocked = await uow.quests.list(owner, QuestQuery(blocked=True))
        free = await uow.quests.list(owner, QuestQuery(blocked=False))
    assert {q.id for q in blocked.items} == {second.id}
    assert {q.id for q in free.items} == {first.id, third.id, done.id, after_done.id}


@pytest.mark.parametrize("sort", list(QuestSort))
@pytest.mark.parametrize("descending", [False, True])
async def test_pages_walk_the_whole_order_without_gaps_or_repeats(
    quest_backend: QuestBackend, sort: QuestSort, descending: bool
) -> None:
    owner = new_user()
    quests = []
    for i in range(23):
        # Ties on every sort value, and some quests without a due date.
        quests.append(
            new_quest(
                owner,
                f"quest {i}",
                at=later(i // 4),
                priority=Priority(i % 5),
                due=None if i % 3 == 0 else later(1000 + i // 2),
            )
        )
    await _store(quest_backend, *quests)
    expected = [q.id for q in sorted(quests, key=lambda q: scan_key(q, sort, descending))]

    seen: list[QuestId] = []
    cursor = None
    pages = 0
    while True:
        async with quest_backend.uow() as uow:
            page = await uow.quests.list(
                owner, QuestQuery(sort=sort, descending=descending, cursor=cursor, limit=5)
            )
        seen += [q.id for q in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected
    assert pages == 5


async def test_a_cursor_only_fits_its_own_order(quest_backend: QuestBackend) -> None:
    owner = new_user()
    await _store(quest_backend, *(new_quest(owner, f"q{i}") for i in range(3)))
    async with quest_backend.uow() as uow:
        page = await uow.quests.list(owner, QuestQuery(limit=1))
        assert page.next_cursor is not None
        with pytest.raises(ValidationFailed):
            await uow.quests.list(owner, QuestQuery(sort=QuestSort.DUE, cursor=page.next_cursor))
        with pytest.raises(ValidationFailed):
            await uow.quests.list(owner, QuestQuery(cursor="not-a-cursor!"))


async def test_limits_are_clamped(quest_backend: QuestBackend) -> None:
    owner = new_user()
    await _store(quest_backend, *(new_quest(owner, f"q{i}") for i in range(3)))
    async with quest_backend.uow() as uow:
        assert len((await uow.quests.list(owner, QuestQuery(limit=0))).items) == 1
        assert len((await uow.quests.list(owner, QuestQuery(limit=10_000))).items) == 3


async def test_statuses_and_children(quest_backend: QuestBackend) -> None:
    owner = new_user()
    parent = new_quest(owner, "parent")
    late_child = new_quest(owner, "late", at=later(5), parent_id=parent.id)
    early_child = new_quest(owner, "early", at=later(1), parent_id=parent.id)
    early_child.start(at=later(2), ids=IDS)
    await _store(quest_backend, parent, late_child, early_child)
    async with quest_backend.uow() as uow:
        children = await uow.quests.children(owner, parent.id)
        assert [q.id for q in children] == [early_child.id, late_child.id]
        assert await uow.quests.children(new_user(), parent.id) == []
        statuses = await uow.quests.statuses(
            owner, [parent.id, early_child.id, QuestId(uuid.uuid4())]
        )
        assert statuses == {parent.id: QuestStatus.TODO, early_child.id: QuestStatus.ACTIVE}
        assert await uow.quests.statuses(owner, []) == {}


async def test_dependency_edges_per_owner(quest_backend: QuestBackend) -> None:
    owner, other = new_user(), new_user()
    a, b, c = (QuestId(uuid.uuid4()) for _ in range(3))
    async with quest_backend.uow() as uow:
        await uow.dependencies.add(owner, a, b)
        await uow.dependencies.add(owner, a, b)  # duplicate: no-op
        await uow.dependencies.add(owner, b, c)
        await uow.dependencies.add(other, c, a)
        await uow.commit()
    async with quest_backend.uow() as uow:
        graph = await uow.dependencies.graph_of(owner, for_update=True)
        assert sorted(graph.edges()) == sorted([(a, b), (b, c)])
        assert (await uow.dependencies.graph_of(other)).edges() == [(c, a)]
        assert await uow.dependencies.remove(owner, a, c) is False
        assert await uow.dependencies.remove(owner, a, b) is True
        await uow.commit()
    async with quest_backend.uow() as uow:
        await uow.dependencies.add(owner, a, b)
        removed = await uow.dependencies.remove_quest(owner, b)
        assert sorted(removed) == sorted([(a, b), (b, c)])
        assert await uow.dependencies.remove_quest(owner, b) == []
        await uow.commit()
    async with quest_backend.uow() as uow:
        assert (await uow.dependencies.graph_of(owner)).edges() == []


async def test_templates_per_owner(quest_backend: QuestBackend) -> None:
    owner = new_user()

    def template(name: str) -> QuestTemplate:
        return QuestTemplate.create(
            id=TemplateId(uuid.uuid4()),
            owner=owner,
            name=name,
            title_pattern="Plan {trip}",
            at=T0,
            ids=IDS,
            tags=("travel",),
            difficulty=Difficulty.EASY,
            checklist=("book",),
            steps=(
                TemplateStep("Book {trip}", difficulty=Difficulty.TRIVIAL),
                TemplateStep("Pack", after=(), checklist=("socks",)),
                TemplateStep("Go", after=(0, 1), estimate_minutes=30),
            ),
        )

    zebra, alpha, beta = template("zebra"), template("Alpha"), template("beta")
    async with quest_backend.uow() as uow:
        for tpl in (zebra, alpha, beta):
            await uow.templates.add(tpl)
        await uow.commit()
    async with quest_backend.uow() as uow:
        loaded = await uow.templates.get(owner, alpha.id)
        assert loaded.steps == alpha.steps
        assert loaded.tags == alpha.tags
        assert (loaded.name, loaded.title_pattern, loaded.checklist) == (
            "Alpha",
            "Plan {trip}",
            ("book",),
        )
        assert [t.name for t in await uow.templates.list(owner)] == ["Alpha", "beta", "zebra"]
        with pytest.raises(TemplateNotFound):
            await uow.templates.get(new_user(), alpha.id)
        with pytest.raises(AlreadyExists):
            await uow.templates.add(alpha)


async def test_category_names_are_unique_per_owner_ignoring_case(
    quest_backend: QuestBackend,
) -> None:
    owner, other = new_user(), new_user()

    def category(name: str, who: object = owner) -> Category:
        return Category.create(
            id=CategoryId(uuid.uuid4()), owner=who, name=name, at=T0, ids=IDS, color="#aabbcc"
        )  # type: ignore[arg-type]

    home, work = category("Home"), category("work")
    async with quest_backend.uow() as uow:
        await uow.categories.add(work)
        await uow.categories.add(home)
        await uow.categories.add(category("HOME", other))
        await uow.commit()
    async with quest_backend.uow() as uow:
        with pytest.raises(AlreadyExists):
            await uow.categories.add(category("hOmE"))
    async with quest_backend.uow() as uow:
        assert [c.name for c in await uow.categories.list(owner)] == ["Home", "work"]
        loaded = await uow.categories.get(owner, home.id)
        assert (loaded.name, loaded.color, loaded.created_at) == ("Home", "#aabbcc", T0)
        with pytest.raises(CategoryNotFound):
            await uow.categories.get(other, home.id)
