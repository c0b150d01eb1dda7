"""Private helpers the game's use cases share: the events a use case produces, loading the
player, appending to the ledger, settling streak, level and achievements, committing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TypedDict

from questlog_core.errors import AlreadyExists, ValidationFailed
from questlog_core.gamification.achievements import Achievement, AchievementProgress
from questlog_core.gamification.events import (
    AchievementUnlocked,
    LevelLost,
    LevelReached,
    StreakBroken,
    StreakExtended,
    StreakFrozen,
    XpAdjusted,
)
from questlog_core.gamification.leaderboards import BoardEntry
from questlog_core.gamification.ledger import EntryKind, LedgerEntry, live_awards
from questlog_core.gamification.players import Player, default_display_name
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.streaks import DayOutcome, local_day, zone
from questlog_core.gamification.use_cases.outcomes import Profile
from questlog_core.gamification.use_cases.rules import GameRules
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.ports.platform import IdFactory


class _Meta(TypedDict):
    event_id: EventId
    occurred_at: datetime
    owner: UserId


class _Changes:
    """Events a use case produces, with ids and times filled in."""

    def __init__(self, ids: IdFactory, now: datetime, owner: UserId) -> None:
        self.ids, self.now, self.owner = ids, now, owner
        self.events: list[DomainEvent] = []

    def meta(self) -> _Meta:
        return {
            "event_id": EventId(self.ids.new_id()),
            "occurred_at": self.now,
            "owner": self.owner,
        }

    def add(self, event: DomainEvent) -> None:
        self.events.append(event)

    def unlocked(self, achievements: Sequence[Achievement]) -> None:
        for a in achievements:
            self.add(
                AchievementUnlocked(
                    **self.meta(), key=a.key, title=a.title, description=a.description
                )
            )


async def _load_or_create(
    uow: GamificationUnitOfWork, user: UserId, timezone: str, now: datetime, rules: GameRules
) -> Player:
    player = await uow.players.find(user)
    if player is not None:
        return player
    try:
        zone(timezone)
    except ValidationFailed:
        timezone = "UTC"  # an event from a client with a broken zone still earns XP
    player = Player(
        user=user, display_name=default_display_name(user), timezone=timezone, created_at=now
    )
    try:
        await uow.players.add(player)
    except AlreadyExists:
        # Created meanwhile by a concurrent transaction (the identity consumer at sign-up,
        # say): the database made this insert wait for it, so the row is readable now.
        existing = await uow.players.find(user)
        if existing is None:
            raise
        return existing
    return player


async def _append(uow: GamificationUnitOfWork, player: Player, entry: LedgerEntry) -> None:
    await uow.ledger.append(entry)
    if not player.opted_out:
        await uow.leaderboard.record(BoardEntry.from_ledger(entry, player.display_name))


async def _settle(
    uow: GamificationUnitOfWork,
    player: Player,
    progress: AchievementProgress,
    rules: GameRules,
    out: _Changes,
) -> list[DayOutcome]:
    """Roll the streak over to now, pay or charge its XP, then settle level and achievements."""
    now = out.now
    player.streak, days = rules.streaks.roll_over(
        player.streak, now, player.timezone, player.day_start_hour
    )
    for d in days:
        if d.kind == "extended":
            out.add(
                StreakExtended(
                    **out.meta(),
                    day=d.day,
                    length=d.length,
                    freezes=d.freezes_left,
                    freeze_earned=d.freeze_earned,
                    milestone=d.milestone,
                    milestone_bonus=d.milestone_bonus,
                )
            )
            if d.milestone_bonus:
                await _adjust(
                    uow,
                    player,
                    out,
                    EntryKind.STREAK_BONUS,
                    d.milestone_bonus,
                    f"{d.length}-day streak milestone",
                    d.day,
                )
        elif d.kind == "frozen":
            out.add(
                StreakFrozen(**out.meta(), day=d.day, length=d.length, freezes_left=d.freezes_left)
            )
        else:
            charged = 0
            if d.xp_penalty:
                charged = min(d.xp_penalty, max(await uow.ledger.balance(player.user), 0))
                if charged:
                    await _adjust(
                        uow,
                        player,
                        out,
                        EntryKind.STREAK_PENALTY,
                        -charged,
                        f"{d.length_before}-day streak broken",
                        d.day,
                    )
            out.add(
                StreakBroken(
                    **out.meta(),
                    day=d.day,
                    length_before=d.length_before,
                    length_after=d.length,
                    xp_penalty=charged,
                )
            )
    total = await uow.ledger.balance(player.user)
    level = rules.levels.level_for(total)
    if level > player.level:
        out.add(
            LevelReached(
                **out.meta(),
                level=level,
                previous_level=player.level,
                total_xp=total,
                first_time=level > player.peak_level,
                unlocked=rules.levels.newly_unlocked(player.peak_level, level),
            )
        )
    elif level < player.level:
        out.add(LevelLost(**out.meta(), level=level, previous_level=player.level, total_xp=total))
    player.level = level
    player.peak_level = max(player.peak_level, level)
    out.unlocked(
        rules.achievements.observe(
            progress, {"level": player.peak_level, "streak_days": player.streak.longest}, now
        )
    )
    await _save(uow, player, progress, rules, now)
    return days


async def _adjust(
    uow: GamificationUnitOfWork,
    player: Player,
    out: _Changes,
    kind: EntryKind,
    amount: int,
    reason: str,
    day: date,
) -> None:
    key = f"{kind.value}:{day.isoformat()}"
    if await uow.ledger.get_by_key(player.user, key) is not None:
        return  # paid already (a day is finalized once, but the key makes it certain)
    entry = LedgerEntry(
        entry_id=out.ids.new_id(),
        user=player.user,
        key=key,
        kind=kind,
        amount=amount,
        reason=reason,
        at=out.now,
        effective_at=out.now,
        local_date=day,
    )
    await _append(uow, player, entry)
    out.add(
        XpAdjusted(
            **out.meta(),
            entry_id=entry.entry_id,
            kind=kind.value,
            amount=amount,
            total_xp=await uow.ledger.balance(player.user),
            reason=reason,
        )
    )


async def _save(
    uow: GamificationUnitOfWork,
    player: Player,
    progress: AchievementProgress,
    rules: GameRules,
    now: datetime,
) -> None:
    player.next_rollover_at = rules.streaks.next_rollover_at(
        player.streak, now, player.timezone, player.day_start_hour
    )
    await uow.players.save(player)
    await uow.achievements.save(player.user, progress)


async def _commit(uow: GamificationUnitOfWork, out: _Changes) -> None:
    """Commit the state with the events it produced: one transaction, both or neither."""
    uow.record(*out.events)
    await uow.commit()


async def _commit_profile(
    uow: GamificationUnitOfWork,
    player: Player,
    progress: AchievementProgress,
    rules: GameRules,
    out: _Changes,
) -> Profile:
    """Save the player, commit with the events, and answer the profile as of ``out.now``."""
    await _save(uow, player, progress, rules, out.now)
    profile = await _profile(uow, player, rules, out.now)
    await _commit(uow, out)
    return profile


async def _profile(
    uow: GamificationUnitOfWork, player: Player, rules: GameRules, now: datetime
) -> Profile:
    total = await uow.ledger.balance(player.user)
    progress = rules.levels.progress(total)
    streak, _ = rules.streaks.roll_over(player.streak, now, player.timezone, player.day_start_hour)
    today = local_day(now, player.timezone, player.day_start_hour)
    done_today = len(live_awards(await uow.ledger.entries_on(player.user, today)))
    return Profile(
        user=player.user,
        display_name=player.display_name,
        total_xp=total,
        level=progress.level,
        xp_into_level=progress.xp_into_level,
        xp_for_next=progress.xp_for_next,
        unlocked_features=rules.levels.features_for(player.peak_level),
        streak=streak.displayed(),
        longest_streak=max(streak.longest, streak.displayed()),
        freezes=streak.freezes,
        today=today,
        today_counted=bool(streak.credits_on(today)),
        timezone=player.timezone,
        day_start_hour=player.day_start_hour,
        opted_out=player.opted_out,
        multipliers=tuple(rules.xp.standing_multipliers(streak.displayed(), done_today)),
    )
