"""Consumer of identity events: the game learns a player's name, time zone and day start.

``UserRegistered`` and ``ProfileUpdated`` (from the auth service's outbox) carry the account's
display name, IANA zone and day-start hour. The game keeps its own copy on the
:class:`~questlog_core.gamification.players.Player` (services never read each other's
tables), so boards show the name the player chose and streak days end at *their* midnight
(or day-start hour).

Idempotent twice over: the inbox ignores a redelivered event id, and ``profile_as_of``
remembers when the fact last applied happened (or when the player last changed their board
name or zone in the game's own settings), so an older event delivered late (a
``UserRegistered`` retried after a ``ProfileUpdated``) changes nothing. Days that already
ended are finalized under the old zone first, as :func:`set_time_zone` does.

``UserRegistered`` also leaves the SHA-256 of the account's address on the player (never the
address), and turns invitations by email that waited for that address into friend requests.

A name the game does not show on boards (over 40 characters, an email address) leaves the
board name as it was; an unknown zone leaves the zone as it was. Both are still applied to
the account by identity: the game only declines its own copy.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.social import email_digest
from questlog_core.gamification.streaks import check_day_start_hour, zone
from questlog_core.gamification.use_cases._internals import (
    _Changes,
    _commit_profile,
    _load_or_create,
    _settle,
)
from questlog_core.gamification.use_cases.friends import welcome_invitations
from questlog_core.gamification.use_cases.quest_events import CONSUMER
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.gamification.use_cases.settings import board_name
from questlog_core.identity.events import ProfileUpdated, UserRegistered
from questlog_core.ports.platform import Clock, IdFactory

#: the identity events the game follows
IdentityProfileEvent = UserRegistered | ProfileUpdated


class IdentityOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What handling an identity event did."""

    status: Literal["applied", "duplicate_event", "stale"]
    display_name: str | None = None
    timezone: str | None = None
    day_start_hour: int | None = None


async def handle_identity_profile(
    event: IdentityProfileEvent,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> IdentityOutcome:
    """Copy the account's display name, zone and day start onto the player (see module)."""
    now = clock.now()
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return IdentityOutcome(status="duplicate_event")
        known = await uow.players.find(event.owner) is not None
        player = await _load_or_create(uow, event.owner, event.timezone, now, rules)
        if player.profile_as_of is not None and event.occurred_at <= player.profile_as_of:
            await uow.commit()  # keep the inbox claim
            return IdentityOutcome(status="stale")
        progress = await uow.achievements.get(player.user)
        out = _Changes(ids, now, player.user)
        if known:
            await _settle(uow, player, progress, rules, out)  # days ended under the old zone
        try:
            zone(event.timezone)
            check_day_start_hour(event.day_start_hour)
        except ValidationFailed:
            pass  # identity validated both; a zone this runtime lacks keeps the old one
        else:
            player.timezone, player.day_start_hour = event.timezone, event.day_start_hour
        try:
            name = board_name(event.display_name)
        except ValidationFailed:
            name = player.display_name
        if name != player.display_name:
            player.display_name = name
            if not player.opted_out:
                await uow.leaderboard.rename(player.user, name)
        player.profile_as_of = event.occurred_at
        if isinstance(event, UserRegistered):
            # how invitations by email find this player; the address itself is not kept
            player.email_digest = email_digest(event.email)
            await welcome_invitations(uow, player.user, player.email_digest, now)
        await _commit_profile(uow, player, progress, rules, out)
        return IdentityOutcome(
            status="applied",
            display_name=player.display_name,
            timezone=player.timezone,
            day_start_hour=player.day_start_hour,
        )


__all__ = ["IdentityOutcome", "IdentityProfileEvent", "handle_identity_profile"]
