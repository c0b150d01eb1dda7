"""Steps for features/prioritization_judgments.feature.

Each "comes before" judgment must hold under the default policy (the test asserts it) and
is scored for every other policy too: the verdicts go into the test report's
``user_properties`` (pytest-xdist carries them back from its workers), and
:func:`tests.bdd.judgment_report.summarise` prints how many judgments each policy satisfies
at the end of the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then

from questlog_core.prioritization import POLICY_NAMES, RankingInput, policy_named
from tests.bdd.judgment_report import VERDICT

scenarios("prioritization_judgments.feature")

DEFAULT_POLICY = "urgency"


@dataclass
class Situation:
    now: datetime = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    records: list[dict[str, Any]] = field(default_factory=list)

    def data(self) -> RankingInput:
        return RankingInput.from_records(self.records)


@pytest.fixture
def situation() -> Situation:
    return Situation()


_UNITS = {"min": 60.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0, "week": 604800.0}
_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*(min|minute|hour|day|week)s?")


def _seconds(text: str) -> float:
    match = _SPAN.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def moment(now: datetime, text: str) -> datetime:
    """ "in 2 days", "3 hours ago", "today", "tomorrow", "yesterday" -> a time."""
    text = text.strip()
    named = {"today": 0.0, "now": 0.0, "tomorrow": 1.0, "yesterday": -1.0}
    if text in named:
        return now + timedelta(days=named[text])
    if text.startswith("in "):
        return now + timedelta(seconds=_seconds(text[3:]))
    if text.endswith(" ago"):
        return now - timedelta(seconds=_seconds(text[:-4]))
    raise ValueError(f"not a time: {text!r}")


def record(now: datetime, row: dict[str, str]) -> dict[str, Any]:
    """One quest from a table row (blank cells: not set)."""
    cell = {k: v.strip() for k, v in row.items() if v.strip()}
    out: dict[str, Any] = {"key": cell["quest"], "created": now - timedelta(days=1)}
    for column, name in (
        ("due", "due"),
        ("created", "created"),
        ("started", "started"),
        ("scheduled", "scheduled"),
        ("wait", "wait_until"),
    ):
        if column in cell:
            out[name] = moment(now, cell[column])
    if "priority" in cell:
        out["priority"] = cell["priority"]
    if "estimate" in cell:
        out["estimate_minutes"] = _seconds(cell["estimate"]) / 60.0
    if "progress" in cell:
        out["progress"] = float(cell["progress"].rstrip("%"))
    if "after" in cell:
        out["depends_on"] = [p.strip() for p in cell["after"].split(",")]
    if "tags" in cell:
        out["tags"] = cell["tags"].split()
    unknown = set(cell) - {
        "quest", "due", "created", "started", "scheduled", "wait", "priority", "estimate",
        "progress", "after", "tags",
    }  # fmt: skip
    if unknown:
        raise ValueError(f"unknown columns {sorted(unknown)}")
    return out


@given(parsers.parse("it is {day} {when} UTC"))
def _it_is(situation: Situation, day: str, when: str) -> None:
    situation.now = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert situation.now.strftime("%A") == day, "the weekday does not match the date"


@given("these open quests:")
def _these_quests(situation: Situation, datatable: list[list[str]]) -> None:
    header = [h.strip() for h in datatable[0]]
    for row in datatable[1:]:
        situation.records.append(record(situation.now, dict(zip(header, row, strict=True))))


@then(parsers.parse('"{first}" comes before "{second}"'))
def _comes_before(
    situation: Situation, first: str, second: str, request: pytest.FixtureRequest
) -> None:
    data = situation.data()
    verdicts: dict[str, bool] = {}
    for name in POLICY_NAMES:
        ranks = policy_named(name).rank(data, situation.now).ranks()
        verdicts[name] = bool(ranks[data.index_of(first)] < ranks[data.index_of(second)])
    request.node.user_properties.append((VERDICT, verdicts))
    ranking = policy_named(DEFAULT_POLICY).rank(data, situation.now)
    assert verdicts[DEFAULT_POLICY], (
        f"{DEFAULT_POLICY} puts {second!r} before {first!r}: "
        f"{ranking.explain(second)} vs {ranking.explain(first)}"
    )
