"""Steps for features/quests.feature."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, scenarios, then, when

from questlog_core.events.quests import QuestCompleted, QuestProgressed
from questlog_core.services import quests as svc
from tests.bdd.conftest import QuestWorld, titles

scenarios("quests.feature")


@given(parsers.parse('a quest "{title}" due in {days:d} days'))
def quest_due_in(world: QuestWorld, title: str, days: int) -> None:
    world.create(title, due=world.clock.now() + timedelta(days=days))


@given(parsers.parse('a quest "{title}" with the checklist "{items}"'))
def quest_with_checklist(world: QuestWorld, title: str, items: str) -> None:
    world.create(title, checklist=tuple(titles(items)))


@given(parsers.parse('"{title}" is archived by the player'))
def archived(world: QuestWorld, title: str) -> None:
    world.run(svc.archive_quest, svc.ArchiveQuest(owner=world.player, quest_id=world.quests[title]))


@when(parsers.parse('the player reopens "{title}"'))
def reopens(world: QuestWorld, title: str) -> None:
    world.attempt(
        svc.reopen_quest, svc.ReopenQuest(owner=world.player, quest_id=world.quests[title])
    )


@when(parsers.parse('the player renames "{title}" to "{new_title}"'))
def renames(world: QuestWorld, title: str, new_title: str) -> None:
    quest = world.quest(title)
    world.attempt(
        svc.update_quest,
        svc.UpdateQuest(
            owner=world.player, quest_id=quest.id, expected_version=quest.version, title=new_title
        ),
    )


@when(parsers.re(r'the player creates a quest with (?P<field_name>\w+) "(?P<value>[^"]*)"'))
def creates_with(world: QuestWorld, field_name: str, value: str) -> None:
    fields: dict[str, object] = {"title": "A quest"}
    if field_name == "estimate_minutes":
        fields[field_name] = int(value)
    elif field_name == "tags":
        fields[field_name] = tuple(f"tag{i}" for i in range(int(value.split()[0])))
    else:
        fields[field_name] = value
    world.attempt(svc.create_quest, svc.CreateQuest(owner=world.player, **fields))  # type: ignore[arg-type]


@when(parsers.parse('the player ticks every item of "{title}"'))
def ticks_every_item(world: QuestWorld, title: str) -> None:
    for index in range(len(world.quest(title).checklist)):
        world.run(
            svc.tick_checklist_item,
            svc.TickChecklistItem(owner=world.player, quest_id=world.quests[title], index=index),
        )


@then("the completion counts as on time")
def on_time(world: QuestWorld) -> None:
    events = [r.event() for r in world.store.outbox]
    completed = [e for e in events if isinstance(e, QuestCompleted)]
    assert completed[-1].on_time
    assert completed[-1].owner_timezone == "Europe/Berlin"


@then(parsers.parse('"{title}" is at {percent:d}% progress'))
def at_progress(world: QuestWorld, title: str, percent: int) -> None:
    assert world.quest(title).progress == percent


@then(parsers.parse('the player is invited to complete "{title}"'))
def invited_to_complete(world: QuestWorld, title: str) -> None:
    events = [r.event() for r in world.store.outbox]
    progressed = [
        e for e in events if isinstance(e, QuestProgressed) and e.quest_id == world.quests[title]
    ]
    assert progressed[-1].progress == 100
    assert progressed[-1].ready_to_complete
