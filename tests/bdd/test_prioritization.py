"""Steps for features/prioritization.feature.

The prioritization domain is synchronous and pure, so these steps call it directly: no
event loop is involved (hence no per-scenario ``asyncio.Runner`` here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from questlog_core.prioritization import (
    EisenhowerPolicy,
    LearnedPolicy,
    Ranking,
    RankingInput,
    policy_named,
)

scenarios("prioritization.feature")


@dataclass
class Board:
    now: datetime = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    quests: dict[str, dict[str, Any]] = field(default_factory=dict)
    learned: LearnedPolicy = field(default_factory=LearnedPolicy)
    ranking: Ranking | None = None
    quadrants: dict[str, str] = field(default_factory=dict)

    def add(self, title: str, **attrs: Any) -> None:
        record = self.quests.setdefault(
            title, {"key": title, "created": self.now - timedelta(days=1), "depends_on": []}
        )
        record.update(attrs)

    def data(self) -> RankingInput:
        return RankingInput.from_records(list(self.quests.values()))


@pytest.fixture
def board() -> Board:
    return Board()


def _due(board: Board, days: str) -> datetime | None:
    return None if days == "none" else board.now + timedelta(days=float(days))


@given(parsers.parse("it is {when}"))
def _it_is(board: Board, when: str) -> None:
    board.now = datetime.strptime(when, "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)


@given(
    parsers.parse(
        'an open quest "{title}" due in {due} days with priority {priority}, created {age} days ago'
    )
)
def _quest_full(board: Board, title: str, due: str, priority: str, age: str) -> None:
    board.add(
        title,
        due=_due(board, due),
        priority=priority,
        created=board.now - timedelta(days=float(age) + 0.5),
    )


@given(parsers.parse('an open quest "{title}" due in {due} days with priority {priority}'))
def _quest_due(board: Board, title: str, due: str, priority: str) -> None:
    board.add(title, due=_due(board, due), priority=priority)


@given(parsers.parse('an open quest "{title}" with priority {priority}'))
def _quest(board: Board, title: str, priority: str) -> None:
    board.add(title, priority=priority)


@given(parsers.parse('an open quest "{title}" due in {due} days estimated at {minutes:d} minutes'))
def _quest_due_estimated(board: Board, title: str, due: str, minutes: int) -> None:
    board.add(title, due=_due(board, due), estimate_minutes=minutes)


@given(parsers.parse('an open quest "{title}" estimated at {minutes:d} minutes'))
def _quest_estimated(board: Board, title: str, minutes: int) -> None:
    board.add(title, estimate_minutes=minutes)


@given(parsers.parse('"{dependent}" depends on "{prerequisite}"'))
def _depends(board: Board, dependent: str, prerequisite: str) -> None:
    board.quests[dependent]["depends_on"].append(prerequisite)


@given(parsers.parse('the player has done "{title}" first {times:d} times'))
def _done_first(board: Board, title: str, times: int) -> None:
    data = board.data()
    for _ in range(times):
        board.learned = board.learned.learn(data, board.now, done_first=title)


@when(parsers.parse('the quests are ranked with the "{policy}" policy'))
def _rank(board: Board, policy: str) -> None:
    board.ranking = policy_named(policy).rank(board.data(), board.now)


@when("the quests are ranked with the learned policy")
def _rank_learned(board: Board) -> None:
    board.ranking = board.learned.rank(board.data(), board.now)


@when("the quests are sorted into Eisenhower quadrants")
def _quadrants(board: Board) -> None:
    policy = EisenhowerPolicy()
    data = board.data()
    board.quadrants = {
        key: policy.QUADRANTS[q]
        for key, q in zip(data.keys, policy.quadrants(data, board.now).tolist(), strict=True)
    }


def _ranking(board: Board) -> Ranking:
    assert board.ranking is not None, "rank the quests first"
    return board.ranking


@then(parsers.parse('"{title}" scores {score:f}'))
def _scores(board: Board, title: str, score: float) -> None:
    assert _ranking(board).explain(title).score == pytest.approx(score, abs=0.01)


@then(parsers.parse("the order is {titles}"))
def _order(board: Board, titles: str) -> None:
    expected = [t.strip().strip('"') for t in titles.split(",")]
    assert _ranking(board).ranked_keys() == expected


@then(parsers.parse('"{first}" is ranked above "{second}"'))
def _above(board: Board, first: str, second: str) -> None:
    keys = _ranking(board).ranked_keys()
    assert keys.index(first) < keys.index(second)


@then(parsers.parse('the explanation of "{title}" lists {factors} and adds up to its score'))
def _explained(board: Board, title: str, factors: str) -> None:
    explanation = _ranking(board).explain(title)
    listed = {c.factor for c in explanation.contributions}
    for factor in (f.strip().strip('"') for f in factors.split(" and ")):
        assert factor in listed
    assert sum(c.value for c in explanation.contributions) == pytest.approx(explanation.score)


@then(parsers.parse('"{first}" would score more than "{second}" on its own merits'))
def _own_merits(board: Board, first: str, second: str) -> None:
    one, other = _ranking(board).explain(first), _ranking(board).explain(second)
    assert one.own_score is not None
    assert other.own_score is not None
    assert one.own_score > other.own_score


@then(parsers.parse('"{title}" is in the "{quadrant}" quadrant'))
def _in_quadrant(board: Board, title: str, quadrant: str) -> None:
    assert board.quadrants[title] == quadrant
