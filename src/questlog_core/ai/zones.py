"""Each player's time zone, as the AI service knows it: from identity's events.

Quick add reads "tomorrow at 9" and insights bucket completions by hour and weekday in the
player's time zone. The zone belongs to identity (the profile), and the AI service never reads
identity's tables: it keeps its own copy (:class:`~questlog_core.ai.ports.PlayerZones`),
written by :func:`project_identity_event` from ``UserRegistered`` and ``ProfileUpdated``
(claimed in the AI inbox in the same transaction, so a redelivered event changes nothing).
A request may still name a zone explicitly; without one, :func:`player_zone` answers the
stored zone, or ``UTC`` for a player identity has not told the AI service about yet.
"""

from __future__ import annotations

from typing import Final

from questlog_core.ai.ports import AiUnitOfWork
from questlog_core.identity.zone_copy import keep_zone
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import UserId

__all__ = ["DEFAULT_ZONE", "ZONES_CONSUMER", "player_zone", "project_identity_event"]

#: the inbox consumer name of this projection
ZONES_CONSUMER: Final = "ai.player-zones"

#: the zone of a player identity has not announced yet
DEFAULT_ZONE: Final = "UTC"


async def project_identity_event(event: DomainEvent, uow: AiUnitOfWork) -> bool:
    """Keep the player's time zone from a ``UserRegistered`` or ``ProfileUpdated``, at most
    once per event id. Returns whether the stored zone changed."""
    return await keep_zone(event, uow, consumer=ZONES_CONSUMER)


async def player_zone(owner: UserId, uow: AiUnitOfWork, asked: str | None = None) -> str:
    """``asked`` when the request named a zone; else ``owner``'s profile zone (or UTC)."""
    if asked is not None:
        return asked
    async with uow:
        stored = await uow.player_zones.get(owner)
    return stored if stored is not None else DEFAULT_ZONE
