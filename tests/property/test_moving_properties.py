"""Properties of moving in and out that must hold for every input, not just the samples.

* A Taskwarrior date written by the export is read back to the same second.
* A plain-period rule exported as Taskwarrior's ``recur`` is read back as the same rule.
* Applying a plan puts every parent before its sub-quests, whatever the file's order, and
  drops (with a note) only parents that are missing or that loop.
* Importing any Taskwarrior file twice creates nothing the second time.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.imports import InMemoryImportLinks
from adapters.memory.quests import InMemoryQuestStore
from questlog_core.ids import UserId
from questlog_core.moving.drafts import QuestDraft, Unmapped
from questlog_core.moving.export import _tw, recur_of
from questlog_core.moving.ports import ImportTransaction
from questlog_core.moving.recurring import rule_of_period
from questlog_core.moving.taskwarrior import parse_date, read_taskwarrior
from questlog_core.moving.use_cases import ApplyImport, _parents_first, apply_import
from questlog_core.quests.recurrence import Recurrence

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31)))
def test_a_taskwarrior_date_reads_back_to_the_second(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC, microsecond=0)
    assert parse_date(_tw(aware)) == aware


@given(
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.integers(min_value=1, max_value=999),
)
def test_a_plain_period_survives_the_round_trip(freq: str, interval: int) -> None:
    # a rule with no occurrence within 30 years is refused by Recurrence itself
    assume(freq != "YEARLY" or interval < 30)
    assume(freq != "MONTHLY" or interval < 360)
    rule = f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"
    recur = recur_of(Recurrence(rule=rule))
    assert recur is not None
    assert rule_of_period(recur) == rule


@st.composite
def forests(draw: st.DrawFn) -> list[QuestDraft]:
    """Drafts in a random order, each naming a random earlier-numbered parent, a missing
    one, or none."""
    size = draw(st.integers(min_value=1, max_value=40))
    drafts = []
    for n in range(size):
        choice = draw(st.integers(min_value=-2, max_value=n - 1))
        parent = None if choice == -1 else ("missing" if choice == -2 else f"r{choice}")
        drafts.append(QuestDraft(external_id=f"r{n}", title=f"Task {n}", parent=parent))
    return draw(st.permutations(drafts))


@given(forests())
def test_parents_always_come_before_their_sub_quests(drafts: list[QuestDraft]) -> None:
    notes: list[Unmapped] = []
    missing = sum(d.parent == "missing" for d in drafts)
    ordered = _parents_first(drafts, notes)
    assert sorted(d.external_id for d in ordered) == sorted(d.external_id for d in drafts)
    position = {d.external_id: i for i, d in enumerate(ordered)}
    for draft in ordered:
        if draft.parent is not None:
            assert position[draft.parent] < position[draft.external_id]
    assert len(notes) == missing
    assert all(n.field == "parent" and "not in the file" in n.reason for n in notes)


def test_a_loop_of_parents_is_broken_with_a_note() -> None:
    a = QuestDraft(external_id="a", title="A", parent="b")
    b = QuestDraft(external_id="b", title="B", parent="a")
    notes: list[Unmapped] = []
    ordered = _parents_first([a, b], notes)
    assert [n.reason for n in notes] == ["parents form a loop; made top-level"]
    position = {d.external_id: i for i, d in enumerate(ordered)}
    assert all(d.parent is None or position[d.parent] < position[d.external_id] for d in ordered)


_task = st.fixed_dictionaries(
    {
        "description": st.text(min_size=1, max_size=30).filter(str.strip),
        "status": st.sampled_from(["pending", "completed", "deleted", "waiting"]),
        "priority": st.sampled_from(["H", "M", "L", ""]),
        "tags": st.lists(st.text(min_size=1, max_size=8), max_size=4),
        "due_days": st.one_of(st.none(), st.integers(min_value=-30, max_value=30)),
        "depends": st.lists(st.integers(min_value=0, max_value=11), max_size=3),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_task, min_size=1, max_size=12))
def test_importing_any_export_twice_creates_nothing_the_second_time(
    tasks: list[dict[str, object]],
) -> None:
    ids = [str(uuid.UUID(int=n + 1, version=4)) for n in range(len(tasks))]
    records = []
    for n, task in enumerate(tasks):
        record: dict[str, object] = {
            "uuid": ids[n],
            "description": task["description"],
            "status": task["status"],
            "entry": _tw(NOW - timedelta(days=60)),
            "tags": task["tags"],
            "depends": [ids[d] for d in task["depends"] if isinstance(d, int) and d < len(ids)],
        }
        if task["priority"]:
            record["priority"] = task["priority"]
        if task["status"] == "completed":
            record["end"] = _tw(NOW - timedelta(days=1))
        if isinstance(task["due_days"], int):
            record["due"] = _tw(NOW + timedelta(days=task["due_days"]))
        records.append(record)
    raw = msgspec.json.encode(records)
    store, links = InMemoryQuestStore(), {}  # type: ignore[var-annotated]

    def transaction() -> ImportTransaction:
        uow = store.unit_of_work()
        return ImportTransaction(uow=uow, links=InMemoryImportLinks(uow, links))

    owner = UserId(uuid.uuid4())

    async def twice() -> tuple[int, int, int, int]:
        clock = FixedClock(NOW)
        plan = read_taskwarrior(raw, now=NOW)
        first = await apply_import(
            ApplyImport(owner=owner, plan=plan), transaction, clock, RandomIds()
        )
        again = await apply_import(
            ApplyImport(owner=owner, plan=read_taskwarrior(raw, now=NOW)),
            transaction,
            clock,
            RandomIds(),
        )
        assert first.failed_batches == 0
        return first.created, again.created, again.skipped, len(store.quests)

    created, created_again, skipped, stored = asyncio.run(twice())
    assert created_again == 0
    assert skipped == created == stored
