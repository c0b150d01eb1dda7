"""Quest use cases over the in-memory adapters: what a caller of the service layer notices."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from adapters.memory import FixedClock, InMemoryQuestStore, SequentialIds
from questlog_core.bus import MessageBus
from questlog_core.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    DependencyCycle,
    DomainError,
    InvalidTransition,
    NotFound,
    QuestBlocked,
    QuestNotFound,
    TemplateNotFound,
    ValidationFailed,
)
from questlog_core.events import DomainEvent
from questlog_core.events.quests import QuestCompleted, QuestCreated
from questlog_core.ids import CategoryId, QuestId, TemplateId, UserId
from questlog_core.quests import QuestStatus, Recurrence, TemplateStep
from questlog_core.services import quests as svc
from questlog_core.services.quests import (
    AddDependency,
    CompleteQuest,
    CreateQuest,
    CreateTemplate,
    InstantiateTemplate,
    ListQuests,
)

Env = tuple[InMemoryQuestStore, FixedClock, SequentialIds]


@pytest.fixture
def env(store: InMemoryQuestStore, clock: FixedClock, ids: SequentialIds) -> Env:
    return store, clock, ids


async def run(env: Env, use_case: Callable[..., Awaitable[Any]], command: Any) -> Any:
    store, clock, ids = env
    try:
        return await use_case(command, store.unit_of_work(), clock, ids)
    except TypeError as exc:
        if "positional" not in str(exc):
            raise
        return await use_case(command, store.unit_of_work())


async def make(env: Env, owner: UserId, title: str, **fields: Any) -> Any:
    return await run(env, svc.create_quest, CreateQuest(owner=owner, title=title, **fields))


async def link(env: Env, owner: UserId, before: Any, after: Any) -> None:
    await run(
        env,
        svc.add_dependency,
        AddDependency(owner=owner, prerequisite_id=before.id, dependent_id=after.id),
    )


def quest_count(store: InMemoryQuestStore) -> int:
    return len(store.quests)


MISSING = QuestId(UUID(int=999_999))


def bad_commands(owner: UserId) -> list[tuple[Callable[..., Awaitable[Any]], Any]]:
    o = owner
    return [
        (svc.create_quest, CreateQuest(owner=o, title="")),
        (svc.create_quest, CreateQuest(owner=o, title="x", difficulty="legendary")),
        (svc.create_quest, CreateQuest(owner=o, title="x", parent_id=MISSING)),
        (svc.get_quest, svc.GetQuest(owner=o, quest_id=MISSING)),
        (svc.list_quests, ListQuests(owner=o, status=("sleeping",))),
        (svc.list_quests, ListQuests(owner=o, sort="colour")),
        (svc.list_quests, ListQuests(owner=o, cursor="not-a-cursor")),
        # the same checks when the page is answered in a caller's shape (rows, not quests)
        (_as_views, ListQuests(owner=o, status=("sleeping",))),
        (_as_views, ListQuests(owner=o, sort="colour")),
        (_as_views, ListQuests(owner=o, cursor="not-a-cursor")),
        (svc.update_quest, svc.UpdateQuest(owner=o, quest_id=MISSING, expected_version=1)),
        (svc.delete_quest, svc.DeleteQuest(owner=o, quest_id=MISSING)),
        (svc.start_quest, svc.StartQuest(owner=o, quest_id=MISSING)),
        (svc.complete_quest, CompleteQuest(owner=o, quest_id=MISSING)),
        (svc.complete_quest, CompleteQuest(owner=o, quest_id=MISSING, owner_timezone="Nowhere")),
        (svc.reopen_quest, svc.ReopenQuest(owner=o, quest_id=MISSING)),
        (svc.abandon_quest, svc.AbandonQuest(owner=o, quest_id=MISSING)),
        (svc.archive_quest, svc.ArchiveQuest(owner=o, quest_id=MISSING)),
        (svc.set_progress, svc.SetProgress(owner=o, quest_id=MISSING, progress=5)),
        (svc.tick_checklist_item, svc.TickChecklistItem(owner=o, quest_id=MISSING, index=0)),
        (svc.add_dependency, AddDependency(owner=o, prerequisite_id=MISSING, dependent_id=MISSING)),
        (
            svc.remove_dependency,
            svc.RemoveDependency(owner=o, prerequisite_id=MISSING, dependent_id=MISSING),
        ),
        (svc.list_dependencies, svc.ListDependencies(owner=o, quest_id=MISSING)),
        (svc.create_template, CreateTemplate(owner=o, name="t", title_pattern="{0.attr}")),
        (svc.create_template, CreateTemplate(owner=o, name="", title_pattern="x")),
        (
            svc.create_template,
            CreateTemplate(
                owner=o, name="t", title_pattern="x", steps=(TemplateStep("a", after=(3,)),)
            ),
        ),
        (
            svc.instantiate_template,
            InstantiateTemplate(owner=o, template_id=TemplateId(MISSING)),
        ),
        (
            svc.instantiate_template,
            InstantiateTemplate(owner=o, template_id=TemplateId(MISSING), timezone="Nowhere"),
        ),
        (svc.create_category, svc.CreateCategory(owner=o, name="")),
        (svc.create_category, svc.CreateCategory(owner=o, name="Work", color="red")),
        (svc.create_quests, svc.CreateQuests(owner=o, quests=())),
        (svc.create_quests, svc.CreateQuests(owner=o, quests=(CreateQuest(owner=o, title=""),))),
        (svc.get_template, svc.GetTemplate(owner=o, template_id=TemplateId(MISSING))),
        (svc.update_template, svc.UpdateTemplate(owner=o, template_id=TemplateId(MISSING))),
        (svc.delete_template, svc.DeleteTemplate(owner=o, template_id=TemplateId(MISSING))),
        (svc.get_category, svc.GetCategory(owner=o, category_id=CategoryId(MISSING))),
        (svc.update_category, svc.UpdateCategory(owner=o, category_id=CategoryId(MISSING))),
        (svc.delete_category, svc.DeleteCategory(owner=o, category_id=CategoryId(MISSING))),
    ]


async def _as_views(query: ListQuests, uow: Any) -> Any:
    """``list_quests_as`` with a plain shape, callable like the other use cases."""
    return await svc.list_quests_as(query, uow, dict)


_as_views.__name__ = "list_quests_as"


async def test_bad_input_to_every_use_case_raises_a_typed_domain_error(
    env: Env, alice: UserId
) -> None:
    commands = bad_commands(alice)
    covered = {use_case.__name__ for use_case, _ in commands}
    public = {name for name in svc.__all__ if name[0].islower() and name != "handlers"}
    # plan/list queries without ids have no bad input beyond the owner
    assert public - covered == {"plan_quests", "list_templates", "list_categories"}
    for use_case, command in commands:
        with pytest.raises(DomainError):
            await run(env, use_case, command)
    assert quest_count(env[0]) == 0
    assert env[0].outbox == []


async def test_another_owners_quest_is_not_found_and_cannot_be_linked(
    env: Env, alice: UserId, bob: UserId
) -> None:
    mine = await make(env, alice, "Mine")
    theirs = await make(env, bob, "Theirs")
    with pytest.raises(QuestNotFound):
        await run(env, svc.get_quest, svc.GetQuest(owner=bob, quest_id=mine.id))
    with pytest.raises(QuestNotFound):
        await link(env, alice, theirs, mine)
    with pytest.raises(QuestNotFound):
        await run(env, svc.complete_quest, CompleteQuest(owner=bob, quest_id=mine.id))
    page = await run(env, svc.list_quests, ListQuests(owner=bob))
    assert [q.title for q in page.items] == ["Theirs"]


async def test_blocked_quest_cannot_be_completed_until_its_prerequisite_is(
    env: Env, alice: UserId
) -> None:
    design = await make(env, alice, "Design")
    build = await make(env, alice, "Build")
    await link(env, alice, design, build)
    with pytest.raises(QuestBlocked) as caught:
        await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=build.id))
    assert caught.value.prerequisites == [design.id]
    done = await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=design.id))
    assert done.unblocked == [build.id]
    finished = await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=build.id))
    assert finished.quest.status is QuestStatus.DONE
    completed = [r.event() for r in env[0].outbox if r.type == "quest.completed.v1"]
    assert isinstance(completed[-1], QuestCompleted)
    assert completed[-1].chain_length == 2
    assert completed[0].unblocked_count == 1


async def test_abandoning_a_prerequisite_unblocks_its_dependents(env: Env, alice: UserId) -> None:
    a = await make(env, alice, "A")
    b = await make(env, alice, "B")
    await link(env, alice, a, b)
    await run(env, svc.abandon_quest, svc.AbandonQuest(owner=alice, quest_id=a.id))
    view = await run(env, svc.list_dependencies, svc.ListDependencies(owner=alice, quest_id=b.id))
    assert view.prerequisites == [a.id]
    assert not view.blocked


async def test_a_cycle_is_refused_with_its_path(env: Env, alice: UserId) -> None:
    a, b, c = [await make(env, alice, t) for t in "ABC"]
    await link(env, alice, a, b)
    await link(env, alice, b, c)
    with pytest.raises(DependencyCycle) as caught:
        await link(env, alice, c, a)
    assert caught.value.cycle[0] == caught.value.cycle[-1]
    assert set(caught.value.cycle) == {a.id, b.id, c.id}
    with pytest.raises(DependencyCycle):
        await link(env, alice, a, a)


async def test_adding_an_edge_twice_is_a_no_op_and_removing_a_missing_one_is_not_found(
    env: Env, alice: UserId
) -> None:
    a, b = await make(env, alice, "A"), await make(env, alice, "B")
    await link(env, alice, a, b)
    await link(env, alice, a, b)
    assert sum(r.type == "quest.dependency_added.v1" for r in env[0].outbox) == 1
    remove = svc.RemoveDependency(owner=alice, prerequisite_id=a.id, dependent_id=b.id)
    await run(env, svc.remove_dependency, remove)
    with pytest.raises(NotFound):
        await run(env, svc.remove_dependency, remove)


async def test_update_needs_the_current_version(env: Env, alice: UserId) -> None:
    quest = await make(env, alice, "Draft")
    updated = await run(
        env,
        svc.update_quest,
        svc.UpdateQuest(owner=alice, quest_id=quest.id, expected_version=1, title="Final"),
    )
    assert (updated.title, updated.version) == ("Final", 2)
    with pytest.raises(ConcurrencyConflict):
        await run(
            env,
            svc.update_quest,
            svc.UpdateQuest(owner=alice, quest_id=quest.id, expected_version=1, title="Lost"),
        )
    got = await run(env, svc.get_quest, svc.GetQuest(owner=alice, quest_id=quest.id))
    assert got.title == "Final"


async def test_a_concurrent_writer_loses_at_commit(
    store: InMemoryQuestStore, alice: UserId, clock: FixedClock, ids: SequentialIds
) -> None:
    quest = await svc.create_quest(
        CreateQuest(owner=alice, title="Q"), store.unit_of_work(), clock, ids
    )
    first, second = store.unit_of_work(), store.unit_of_work()
    async with first, second:
        mine = await first.quests.get(alice, quest.id)
        theirs = await second.quests.get(alice, quest.id)
        mine.revise({"title": "First"}, at=clock.now(), ids=ids)
        theirs.revise({"title": "Second"}, at=clock.now(), ids=ids)
        await first.quests.update(mine, 1)
        await second.quests.update(theirs, 1)
        await first.commit()
        with pytest.raises(ConcurrencyConflict):
            await second.commit()
    assert store.quests[quest.id].title == "First"
    assert [r.type for r in store.outbox].count("quest.updated.v1") == 1


async def test_leaving_a_unit_of_work_without_commit_leaves_nothing_behind(
    store: InMemoryQuestStore, alice: UserId, clock: FixedClock, ids: SequentialIds
) -> None:
    uow = store.unit_of_work()
    quest = svc.Quest.create(
        id=QuestId(ids.new_id()), owner=alice, title="T", at=clock.now(), ids=ids
    )

    async def add_then_crash() -> None:
        async with uow:
            await uow.quests.add(quest)
            assert (await uow.quests.get(alice, quest.id)).title == "T"
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await add_then_crash()
    async with store.unit_of_work() as fresh:
        with pytest.raises(QuestNotFound):
            await fresh.quests.get(alice, quest.id)
    assert store.outbox == []
    assert uow.committed_events() == []


async def test_a_failing_template_instantiation_creates_nothing(env: Env, alice: UserId) -> None:
    template = await run(
        env,
        svc.create_template,
        CreateTemplate(
            owner=alice,
            name="Release",
            title_pattern="Release {version}",
            steps=(
                TemplateStep("Freeze {version}"),
                TemplateStep("Test {version} " + "x" * 180),
                TemplateStep("Ship {version}"),
            ),
        ),
    )
    outbox_before = len(env[0].outbox)
    with pytest.raises(ValidationFailed) as caught:  # step 2's title ends up over 200 chars
        await run(
            env,
            svc.instantiate_template,
            InstantiateTemplate(
                owner=alice, template_id=template.id, values={"version": "2.0" * 10}
            ),
        )
    assert caught.value.field == "steps"
    with pytest.raises(ValidationFailed) as missing:
        await run(
            env, svc.instantiate_template, InstantiateTemplate(owner=alice, template_id=template.id)
        )
    assert missing.value.field == "values"
    assert quest_count(env[0]) == 0
    assert env[0].edges.get(alice, set()) == set()
    assert len(env[0].outbox) == outbox_before


async def test_template_instantiates_a_chain_under_a_blocked_root(env: Env, alice: UserId) -> None:
    template = await run(
        env,
        svc.create_template,
        CreateTemplate(
            owner=alice,
            name="Trip",
            title_pattern="Trip to {city}",
            difficulty="hard",
            steps=(
                TemplateStep("Book flight"),
                TemplateStep("Book hotel", after=()),
                TemplateStep("Pack", after=(0, 1)),
            ),
        ),
    )
    made = await run(
        env,
        svc.instantiate_template,
        InstantiateTemplate(owner=alice, template_id=template.id, values={"city": "Lisbon"}),
    )
    assert made.root.title == "Trip to Lisbon"
    assert [s.title for s in made.steps] == ["Book flight", "Book hotel", "Pack"]
    flight, hotel, pack = (s.id for s in made.steps)
    assert env[0].edges[alice] == {(flight, pack), (hotel, pack), (pack, made.root.id)}
    plan = await run(env, svc.plan_quests, svc.PlanQuests(owner=alice))
    assert [q.title for q in plan.order][-1] == "Trip to Lisbon"
    for step in (flight, hotel, pack):
        await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=step))
    root = await run(env, svc.get_quest, svc.GetQuest(owner=alice, quest_id=made.root.id))
    assert root.progress == 100
    assert root.status is QuestStatus.TODO  # derived 100% never completes a quest by itself


async def test_recurring_quest_spawns_its_next_occurrence_exactly_once(
    env: Env, alice: UserId
) -> None:
    store, clock, _ = env
    daily = await make(
        env,
        alice,
        "Stretch",
        due=clock.now() + timedelta(hours=1),
        recurrence=Recurrence(rule="FREQ=DAILY", timezone="Europe/Berlin"),
    )
    first = await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=daily.id))
    assert first.next_occurrence is not None
    assert first.next_occurrence.due == daily.due + timedelta(days=1)
    with pytest.raises(InvalidTransition):
        await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=daily.id))
    await run(env, svc.reopen_quest, svc.ReopenQuest(owner=alice, quest_id=daily.id))
    again = await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=daily.id))
    assert again.next_occurrence is None
    occurrences = sorted(q.occurrence for q in store.quests.values())
    assert occurrences == [1, 2]


async def test_reopen_after_the_window_is_refused(env: Env, alice: UserId) -> None:
    quest = await make(env, alice, "Q")
    await run(env, svc.complete_quest, CompleteQuest(owner=alice, quest_id=quest.id))
    env[1].advance(timedelta(hours=25))
    with pytest.raises(InvalidTransition):
        await run(env, svc.reopen_quest, svc.ReopenQuest(owner=alice, quest_id=quest.id))


async def test_listing_filters_sorts_and_pages(env: Env, alice: UserId) -> None:
    clock = env[1]
    made = []
    for i in range(7):
        made.append(
            await make(
                env,
                alice,
                f"Quest {i}",
                tags=("even",) if i % 2 == 0 else (),
                due=clock.now() + timedelta(days=7 - i),
                notes="needle" if i == 3 else "",
            )
        )
        clock.advance(timedelta(minutes=1))
    await link(env, alice, made[0], made[1])
    await run(env, svc.archive_quest, svc.ArchiveQuest(owner=alice, quest_id=made[6].id))

    titles: list[str] = []
    cursor = None
    while True:
        page = await run(
            env, svc.list_quests, ListQuests(owner=alice, sort="due", limit=2, cursor=cursor)
        )
        titles += [q.title for q in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert titles == [f"Quest {i}" for i in (5, 4, 3, 2, 1, 0)]

    async def titles_of(**filters: Any) -> list[str]:
        page = await run(env, svc.list_quests, ListQuests(owner=alice, limit=500, **filters))
        return [q.title for q in page.items]

    assert await titles_of(tag="even") == ["Quest 0", "Quest 2", "Quest 4"]
    assert await titles_of(text="NEEDLE") == ["Quest 3"]
    assert await titles_of(blocked=True) == ["Quest 1"]
    assert await titles_of(status=("archived",)) == ["Quest 6"]
    assert await titles_of(due_before=made[3].due, sort="due") == ["Quest 5", "Quest 4"]
    assert (await titles_of(descending=True))[0] == "Quest 5"
    with pytest.raises(ValidationFailed):  # a cursor belongs to its own order
        await run(
            env, svc.list_quests, ListQuests(owner=alice, sort="created", limit=2, cursor=cursor)
        )


async def test_deleting_a_quest_removes_its_edges_and_frees_its_sub_quests(
    env: Env, alice: UserId
) -> None:
    parent = await make(env, alice, "Parent")
    child = await make(env, alice, "Child", parent_id=parent.id)
    other = await make(env, alice, "Other")
    await link(env, alice, parent, other)
    await run(env, svc.delete_quest, svc.DeleteQuest(owner=alice, quest_id=parent.id))
    assert env[0].edges[alice] == set()
    freed = await run(env, svc.get_quest, svc.GetQuest(owner=alice, quest_id=child.id))
    assert freed.parent_id is None
    with pytest.raises(QuestNotFound):
        await run(env, svc.get_quest, svc.GetQuest(owner=alice, quest_id=parent.id))


async def test_a_parent_cannot_be_nested_inside_its_own_child(env: Env, alice: UserId) -> None:
    parent = await make(env, alice, "Parent")
    child = await make(env, alice, "Child", parent_id=parent.id)
    with pytest.raises(ValidationFailed) as caught:
        await run(
            env,
            svc.update_quest,
            svc.UpdateQuest(
                owner=alice, quest_id=parent.id, expected_version=1, parent_id=child.id
            ),
        )
    assert caught.value.field == "parent_id"
    with pytest.raises(ValidationFailed):
        await run(
            env,
            svc.set_progress,
            svc.SetProgress(owner=alice, quest_id=parent.id, progress=30),
        )


async def test_category_names_are_unique_per_owner(env: Env, alice: UserId, bob: UserId) -> None:
    await run(
        env, svc.create_category, svc.CreateCategory(owner=alice, name="Work", color="#1E90FF")
    )
    with pytest.raises(AlreadyExists):
        await run(env, svc.create_category, svc.CreateCategory(owner=alice, name="work"))
    await run(env, svc.create_category, svc.CreateCategory(owner=bob, name="Work"))
    listed = await run(env, svc.list_categories, svc.ListCategories(owner=alice))
    assert [(c.name, c.color) for c in listed] == [("Work", "#1e90ff")]
    with pytest.raises(TemplateNotFound):
        await run(
            env,
            svc.instantiate_template,
            InstantiateTemplate(owner=bob, template_id=TemplateId(UUID(int=5))),
        )


async def test_the_bus_runs_commands_and_hands_committed_events_to_subscribers(
    store: InMemoryQuestStore, clock: FixedClock, ids: SequentialIds, alice: UserId
) -> None:
    bus = MessageBus(store.unit_of_work)
    for command_type, handler in svc.handlers(clock, ids).items():
        bus.register(command_type, handler)
    seen: list[DomainEvent] = []
    created: list[QuestCreated] = []

    async def everything(event: DomainEvent) -> None:
        seen.append(event)

    async def on_created(event: QuestCreated) -> None:
        created.append(event)

    async def broken(event: DomainEvent) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe(DomainEvent, everything)
    bus.subscribe(QuestCreated, on_created)
    bus.subscribe(QuestCreated, broken)
    quest = await bus.handle(CreateQuest(owner=alice, title="Via bus"))
    await bus.handle(CompleteQuest(owner=alice, quest_id=quest.id))
    assert [e.type_name() for e in seen] == ["quest.created.v1", "quest.completed.v1"]
    assert [e.quest_id for e in created] == [quest.id]
    with pytest.raises(ValidationFailed):
        await bus.handle(CreateQuest(owner=alice, title=""))
    assert len(seen) == 2
    with pytest.raises(LookupError):
        await bus.handle(object())
    with pytest.raises(ValueError, match="handler already"):
        bus.register(CreateQuest, svc.handlers(clock, ids)[CreateQuest])


async def test_outbox_and_inbox(
    store: InMemoryQuestStore, alice: UserId, clock: FixedClock, ids: SequentialIds
) -> None:
    await svc.create_quest(CreateQuest(owner=alice, title="Q"), store.unit_of_work(), clock, ids)
    outbox = store.outbox_reader()
    pending = await outbox.pending()
    assert [r.type for r in pending] == ["quest.created.v1"]
    await outbox.mark_published([pending[0].event_id])
    assert await outbox.pending() == []

    event_id = pending[0].event_id
    uow = store.unit_of_work()
    async with uow:
        assert await uow.inbox.claim("xp", event_id)
        assert not await uow.inbox.claim("xp", event_id)
    async with uow:  # rolled back: the claim was forgotten
        assert await uow.inbox.claim("xp", event_id)
        await uow.commit()
    async with uow:
        assert not await uow.inbox.claim("xp", event_id)
        assert await uow.inbox.claim("streaks", event_id)
