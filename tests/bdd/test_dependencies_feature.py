"""Steps for features/dependencies.feature."""

from __future__ import annotations

from pytest_bdd import given, parsers, scenarios, then, when

from questlog_core.errors import DependencyCycle
from questlog_core.services import quests as svc
from tests.bdd.conftest import QuestWorld, titles

scenarios("dependencies.feature")


@given(parsers.parse('another player has a quest "{title}"'))
def rivals_quest(world: QuestWorld, title: str) -> None:
    world.create(title, owner=world.rival)


@when(parsers.parse('the player abandons "{title}"'))
def abandons(world: QuestWorld, title: str) -> None:
    world.attempt(
        svc.abandon_quest, svc.AbandonQuest(owner=world.player, quest_id=world.quests[title])
    )


@when(parsers.parse('the player makes "{before}" a prerequisite of "{after}"'))
def makes_prerequisite(world: QuestWorld, before: str, after: str) -> None:
    world.attempt(
        svc.add_dependency,
        svc.AddDependency(
            owner=world.player,
            prerequisite_id=world.quests[before],
            dependent_id=world.quests[after],
        ),
    )


@then(parsers.parse('"{title}" is no longer blocked'))
def not_blocked(world: QuestWorld, title: str) -> None:
    view = world.ask(
        svc.list_dependencies,
        svc.ListDependencies(owner=world.player, quest_id=world.quests[title]),
    )
    assert view.prerequisites, "the dependency is still there"
    assert not view.blocked


@then(parsers.parse("the completion unblocked {count:d} quest"))
def unblocked(world: QuestWorld, count: int) -> None:
    assert isinstance(world.result, svc.Completion)
    assert len(world.result.unblocked) == count


@then(parsers.parse("the cycle goes through {names}"))
def cycle_through(world: QuestWorld, names: str) -> None:
    assert isinstance(world.error, DependencyCycle)
    cycle = world.error.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {world.quests[t] for t in titles(names)}


@then(parsers.parse("the plan is {names}"))
def plan_is(world: QuestWorld, names: str) -> None:
    plan = world.ask(svc.plan_quests, svc.PlanQuests(owner=world.player))
    assert [q.title for q in plan.order] == titles(names)
