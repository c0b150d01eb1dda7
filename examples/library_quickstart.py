"""Questlog's core as a plain library: quests, dependencies, completion, a plan.

Uses ``questlog_core`` and the in-memory adapters only (no database, no web server):

    python examples/library_quickstart.py
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from adapters.memory import FixedClock, InMemoryQuestStore, RandomIds
from questlog_core.errors import QuestBlocked
from questlog_core.ids import UserId
from questlog_core.quests import Quest
from questlog_core.services.quests import (
    AddDependency,
    CompleteQuest,
    CreateQuest,
    PlanQuests,
    add_dependency,
    complete_quest,
    create_quest,
    plan_quests,
)


async def main() -> None:
    store = InMemoryQuestStore()  # plays the database; every use case runs in its own unit of work
    clock = FixedClock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    ids = RandomIds()
    me = UserId(uuid4())

    async def quest(title: str, minutes: int, difficulty: str = "medium") -> Quest:
        command = CreateQuest(
            owner=me,
            title=title,
            difficulty=difficulty,
            estimate_minutes=minutes,
            due=clock.now() + timedelta(days=7),
        )
        return await create_quest(command, store.unit_of_work(), clock, ids)

    async def must_finish_before(before: Quest, after: Quest) -> None:
        command = AddDependency(owner=me, prerequisite_id=before.id, dependent_id=after.id)
        await add_dependency(command, store.unit_of_work(), clock, ids)

    async def complete(target: Quest) -> None:
        command = CompleteQuest(owner=me, quest_id=target.id, owner_timezone="Europe/Berlin")
        try:
            completion = await complete_quest(command, store.unit_of_work(), clock, ids)
        except QuestBlocked as blocked:
            print(f"{target.title}: blocked by {len(blocked.prerequisites)} unfinished quest(s)")
            return
        print(f"Completed: {target.title} (unblocked {len(completion.unblocked)})")

    design = await quest("Design the landing page", 120, "hard")
    copy = await quest("Write the copy", 90)
    build = await quest("Build the page", 240, "epic")
    launch = await quest("Launch", 30, "easy")
    await must_finish_before(design, build)
    await must_finish_before(copy, build)
    await must_finish_before(build, launch)

    plan = await plan_quests(PlanQuests(owner=me), store.unit_of_work())
    print("Plan:")
    for position, planned in enumerate(plan.order, start=1):
        print(f"  {position}. {planned.title}")
    print(f"Critical path: {plan.critical_minutes:.0f} min")

    await complete(launch)
    for finished in (design, copy):
        clock.advance(timedelta(hours=3))
        await complete(finished)

    plan = await plan_quests(PlanQuests(owner=me), store.unit_of_work())
    print("Still to do, in order: " + " -> ".join(q.title for q in plan.order))
    print(f"Events waiting in the outbox: {len(await store.outbox_reader().pending())}")


if __name__ == "__main__":
    asyncio.run(main())
