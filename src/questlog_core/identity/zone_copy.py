"""How another context keeps its copy of each player's time zone from identity's events.

The zone belongs to identity (the profile); the AI, analytics and integrations services never
read identity's tables. Each keeps its own copy, written from ``UserRegistered`` and
``ProfileUpdated`` inside its consumer's unit of work (claimed in its inbox, so a redelivered
event changes nothing). The rule is identity's, so it lives here, next to the events:
:func:`copy_zone` inside a consumer's own transaction (the calendar's projection), and
:func:`keep_zone` as a whole consumer (the AI and analytics services).
"""

from __future__ import annotations

from typing import Protocol

from questlog_core.identity.events import ProfileUpdated, UserRegistered
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = ["KeepsZones", "ZoneCopy", "copy_zone", "keep_zone"]


class ZoneCopy(Protocol):
    """A context's copy of each player's time zone (IANA name)."""

    async def get(self, owner: UserId) -> str | None: ...

    async def put(self, owner: UserId, zone: str) -> None: ...


async def copy_zone(event: UserRegistered | ProfileUpdated, zones: ZoneCopy) -> bool:
    """Write the zone ``event`` announces into ``zones`` (in the caller's unit of work);
    whether the stored zone changed."""
    changed = await zones.get(event.owner) != event.timezone
    if changed:
        await zones.put(event.owner, event.timezone)
    return changed


class KeepsZones(UnitOfWork, Protocol):
    """A context's unit of work that holds its copy of the players' zones."""

    @property
    def player_zones(self) -> ZoneCopy: ...


async def keep_zone(event: DomainEvent, uow: KeepsZones, *, consumer: str) -> bool:
    """A whole consumer of identity's zone announcements: from a ``UserRegistered`` or
    ``ProfileUpdated``, at most once per event id (claimed as ``consumer`` in the context's
    inbox), write the zone and commit. Whether the stored zone changed (``False`` for any
    other event)."""
    if not isinstance(event, UserRegistered | ProfileUpdated):
        return False
    async with uow:
        if not await uow.inbox.claim(consumer, event.event_id):
            return False
        changed = await copy_zone(event, uow.player_zones)
        await uow.commit()
    return changed
