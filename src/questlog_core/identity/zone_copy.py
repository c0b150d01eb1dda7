"""How another context keeps its copy of each player's time zone from identity's events.

The zone belongs to identity (the profile); the AI, analytics and integrations services never
read identity's tables. Each keeps its own copy, written from ``UserRegistered`` and
``ProfileUpdated`` inside its consumer's unit of work (claimed in its inbox, so a redelivered
event changes nothing). The rule is identity's, so it lives here, next to the events.
"""

from __future__ import annotations

from typing import Protocol

from questlog_core.identity.events import ProfileUpdated, UserRegistered
from questlog_core.kernel.ids import UserId

__all__ = ["ZoneCopy", "copy_zone"]


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
