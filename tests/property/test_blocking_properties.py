"""A quest is blocked iff one of its prerequisites is still open (todo or active)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory import FixedClock, InMemoryQuestStore, SequentialIds
from questlog_core.errors import QuestBlocked
from questlog_core.ids import QuestId, UserId
from questlog_core.quests import QuestStatus
from questlog_core.services import quests as svc

OWNER = UserId(UUID(int=1))
TARGETS = ["todo", "active", "done", "abandoned", "archived"]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[int, set[tuple[int, int]], list[str]]:
    n = draw(st.integers(1, 9))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    edges = draw(st.sets(st.sampled_from(pairs), max_size=15)) if pairs else set()
    targets = draw(st.lists(st.sampled_from(TARGETS), min_size=n, max_size=n))
    return n, edges, targets


@given(scenarios())
def test_blocked_iff_a_prerequisite_is_unfinished(
    scenario: tuple[int, set[tuple[int, int]], list[str]],
) -> None:
    asyncio.run(_check(*scenario))


async def _check(n: int, edges: set[tuple[int, int]], targets: list[str]) -> None:
    store, clock, ids = (
        InMemoryQuestStore(),
        FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
        SequentialIds(),
    )

    async def call(use_case, command):  # type: ignore[no-untyped-def]
        return await use_case(command, store.unit_of_work(), clock, ids)

    quests: list[QuestId] = []
    for i in range(n):
        quest = await call(svc.create_quest, svc.CreateQuest(owner=OWNER, title=f"Q{i}"))
        quests.append(quest.id)
    for i, j in sorted(edges):
        await call(
            svc.add_dependency,
            svc.AddDependency(owner=OWNER, prerequisite_id=quests[i], dependent_id=quests[j]),
        )

    def open_prerequisites(j: int) -> list[QuestId]:
        status = {q.id: q.status for q in store.quests.values()}
        return sorted(
            (quests[i] for i, k in edges if k == j and status[quests[i]].is_open),
            key=lambda q: q.int,
        )

    # Drive each quest (prerequisites first) toward its target through the real use cases:
    # completing must succeed exactly when no prerequisite is open.
    for j, target in enumerate(targets):
        qid = quests[j]
        if target == "active":
            await call(svc.start_quest, svc.StartQuest(owner=OWNER, quest_id=qid))
        elif target == "abandoned":
            await call(svc.abandon_quest, svc.AbandonQuest(owner=OWNER, quest_id=qid))
        elif target == "archived":
            await call(svc.archive_quest, svc.ArchiveQuest(owner=OWNER, quest_id=qid))
        elif target == "done":
            waiting = open_prerequisites(j)
            complete = svc.CompleteQuest(owner=OWNER, quest_id=qid)
            if waiting:
                with pytest.raises(QuestBlocked) as blocked:
                    await call(svc.complete_quest, complete)
                assert blocked.value.prerequisites == waiting
            else:
                await call(svc.complete_quest, complete)
                assert store.quests[qid].status is QuestStatus.DONE

    blocked_page = await svc.list_quests(
        svc.ListQuests(owner=OWNER, status=tuple(TARGETS), blocked=True, limit=50),
        store.unit_of_work(),
    )
    listed_blocked = {q.id for q in blocked_page.items}
    for j, qid in enumerate(quests):
        view = await svc.list_dependencies(
            svc.ListDependencies(owner=OWNER, quest_id=qid), store.unit_of_work()
        )
        expected = open_prerequisites(j)
        assert view.unfinished_prerequisites == expected
        assert view.blocked == bool(expected)
        assert (qid in listed_blocked) == bool(expected)
    assert all(
        store.quests[q].status is not QuestStatus.DONE or not open_prerequisites(j)
        for j, q in enumerate(quests)
    )
