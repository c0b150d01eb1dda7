"""The one rule read models use to apply events that arrive out of order.

Delivery is at least once and not ordered across retries and bursts: an event may reach a
consumer after a newer one of the same quest. A read model that keeps a copy of an aggregate
remembers, per part of the copy it follows (say the text, or the status), when that part was
last written; an event may overwrite the part only if it is at least as new. Time is the
emitting service's clock (the events' ``occurred_at``): one clock, so one order. Two events of
the same instant are applied in arrival order (the later arrival wins), so a redelivery of
the newest event changes nothing it had not already set.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["is_current"]


def is_current(at: datetime, last_written: datetime | None) -> bool:
    """Whether an event that happened at ``at`` may overwrite a part last written by an
    event that happened at ``last_written`` (``None``: never written, so yes)."""
    return last_written is None or at >= last_written
