"""Hypothesis strategies for read models that must not depend on the order events arrive in.

Used by the property tests of the AI read model and the search index: each names the kinds of
event its model follows; :func:`histories` makes a quest's history from them and the same
history as a broker might deliver it (shuffled, some events again).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from hypothesis import strategies as st

from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, UserId

#: makes the event of one kind that happened at a moment (``n``: its place in the history,
#: to vary what it carries)
Make = Callable[[datetime, int], DomainEvent]


def event_fields(at: datetime, owner: UserId) -> dict[str, object]:
    """The fields every domain event has: a fresh id, its moment, its owner."""
    return {"event_id": EventId(uuid.uuid4()), "occurred_at": at, "owner": owner}


def histories(
    kinds: Sequence[Make], start: datetime, *, longest: int = 14, again: int = 4
) -> st.SearchStrategy[tuple[list[DomainEvent], list[DomainEvent]]]:
    """A quest's events after ``start`` (its creation), one per distinct minute, in order;
    and the same events as delivered: shuffled, up to ``again`` of them twice."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[list[DomainEvent], list[DomainEvent]]:
        picked = draw(st.lists(st.integers(0, len(kinds) - 1), max_size=longest))
        events = [kinds[k](start + timedelta(minutes=n + 1), n) for n, k in enumerate(picked)]
        delivered = list(draw(st.permutations(events)))
        repeated = draw(st.lists(st.sampled_from(events), max_size=again)) if events else []
        for event in repeated:
            delivered.insert(draw(st.integers(0, len(delivered))), event)
        return events, delivered

    return build()
