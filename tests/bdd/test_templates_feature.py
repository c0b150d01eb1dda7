"""Steps for features/templates.feature."""

from __future__ import annotations

from pytest_bdd import given, parsers, scenarios, then, when

from questlog_core.quests import TemplateStep
from questlog_core.services import quests as svc
from tests.bdd.conftest import QuestWorld, titles

scenarios("templates.feature")


@given(parsers.parse('a template "{name}" titled "{pattern}" with the steps "{steps}"'))
def a_template(world: QuestWorld, name: str, pattern: str, steps: str) -> None:
    template = world.run(
        svc.create_template,
        svc.CreateTemplate(
            owner=world.player,
            name=name,
            title_pattern=pattern,
            steps=tuple(TemplateStep(title) for title in titles(steps)),
        ),
    )
    world.result = template
    world.quests[f"template:{name}"] = template.id


def instantiate(world: QuestWorld, name: str, values: dict[str, str]) -> None:
    world.attempt(
        svc.instantiate_template,
        svc.InstantiateTemplate(
            owner=world.player, template_id=world.quests[f"template:{name}"], values=values
        ),
    )
    if world.error is None:
        made = world.result
        for quest in [made.root, *made.steps]:
            world.quests[quest.title] = quest.id


@when(parsers.parse('the player uses the template "{name}" with version "{version}"'))
def use_with_version(world: QuestWorld, name: str, version: str) -> None:
    instantiate(world, name, {"version": version})


@when(parsers.parse('the player uses the template "{name}" without values'))
def use_without_values(world: QuestWorld, name: str) -> None:
    instantiate(world, name, {})


@when(parsers.parse("the player completes the steps {names}"))
def completes_steps(world: QuestWorld, names: str) -> None:
    for title in titles(names):
        world.run(
            svc.complete_quest, svc.CompleteQuest(owner=world.player, quest_id=world.quests[title])
        )


@then(parsers.parse("the player has the quests {names}"))
def has_quests(world: QuestWorld, names: str) -> None:
    page = world.ask(svc.list_quests, svc.ListQuests(owner=world.player))
    assert sorted(q.title for q in page.items) == sorted(titles(names))


@then(parsers.parse('"{before}" must be finished before "{after}"'))
def edge_exists(world: QuestWorld, before: str, after: str) -> None:
    view = world.ask(
        svc.list_dependencies,
        svc.ListDependencies(owner=world.player, quest_id=world.quests[after]),
    )
    assert world.quests[before] in view.prerequisites


@then(parsers.parse('"{root}" waits on "{step}"'))
def root_waits_on(world: QuestWorld, root: str, step: str) -> None:
    view = world.ask(
        svc.list_dependencies, svc.ListDependencies(owner=world.player, quest_id=world.quests[root])
    )
    assert view.unfinished_prerequisites == [world.quests[step]]


@then(parsers.parse('"{title}" is at {percent:d}% progress'))
def at_progress(world: QuestWorld, title: str, percent: int) -> None:
    assert world.quest(title).progress == percent
