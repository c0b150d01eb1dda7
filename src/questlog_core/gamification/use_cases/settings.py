"""Player settings: time zone and day start, display name, leaderboard opt-out."""

from __future__ import annotations

import unicodedata

from questlog_core.errors import ValidationFailed
from questlog_core.gamification.events import LeaderboardVisibilityChanged
from questlog_core.gamification.leaderboards import BoardEntry
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.streaks import check_day_start_hour, zone
from questlog_core.gamification.use_cases._internals import (
    _Changes,
    _commit_profile,
    _load_or_create,
    _profile,
    _settle,
)
from questlog_core.gamification.use_cases.outcomes import Profile
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.ports.platform import Clock, IdFactory


def board_name(display_name: str) -> str:
    """The name as shown on boards: trimmed and NFC, 1–40 characters, no control characters,
    not an email address. Raises ``ValidationFailed`` naming ``display_name`` otherwise."""
    name = unicodedata.normalize("NFC", display_name).strip()
    if not 1 <= len(name) <= 40:
        raise ValidationFailed("display_name", "must be 1 to 40 characters")
    if "@" in name:
        raise ValidationFailed("display_name", "must not be an email address")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name):
        raise ValidationFailed("display_name", "contains control characters")
    return name


async def set_time_zone(
    user: UserId,
    timezone: str,
    day_start_hour: int,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> Profile:
    """Change the player's zone and day start. Days already ended are finalized under the old
    settings first; the rollover's date bookkeeping is unchanged, so no day runs twice.
    """
    zone(timezone)
    check_day_start_hour(day_start_hour)
    now = clock.now()
    async with uow:
        player = await _load_or_create(uow, user, timezone, now, rules)
        progress = await uow.achievements.get(user)
        out = _Changes(ids, now, user)
        await _settle(uow, player, progress, rules, out)
        player.timezone = timezone
        player.day_start_hour = day_start_hour
        player.profile_as_of = now  # an older identity fact arriving later keeps this
        return await _commit_profile(uow, player, progress, rules, out)


async def set_display_name(
    user: UserId,
    display_name: str,
    uow: GamificationUnitOfWork,
    clock: Clock,
    rules: GameRules = DEFAULT_RULES,
) -> Profile:
    """Set the name shown on boards (1–40 characters after trimming and NFC, no control
    characters, and not an email address)."""
    name = board_name(display_name)
    now = clock.now()
    async with uow:
        player = await _load_or_create(uow, user, "UTC", now, rules)
        player.display_name = name
        player.profile_as_of = now  # an older identity fact arriving later keeps this
        await uow.players.save(player)
        if not player.opted_out:
            await uow.leaderboard.rename(user, name)
        profile = await _profile(uow, player, rules, now)
        await uow.commit()
        return profile


async def set_leaderboard_opt_out(
    user: UserId,
    opted_out: bool,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> Profile:
    """Leave every board (XP is kept) or come back (the boards are rebuilt from the ledger)."""
    now = clock.now()
    async with uow:
        player = await _load_or_create(uow, user, "UTC", now, rules)
        if player.opted_out != opted_out:
            player.opted_out = opted_out
            if opted_out:
                await uow.leaderboard.remove_user(user)
            else:
                for entry in await uow.ledger.entries(user):
                    await uow.leaderboard.record(BoardEntry.from_ledger(entry, player.display_name))
            await uow.players.save(player)
            uow.record(
                LeaderboardVisibilityChanged(
                    event_id=EventId(ids.new_id()),
                    occurred_at=now,
                    owner=user,
                    opted_out=opted_out,
                )
            )
            profile = await _profile(uow, player, rules, now)
            await uow.commit()
            return profile
        return await _profile(uow, player, rules, now)
