"""Streak use cases: roll a player's days over (one player, or every one due) and check a
completion in for yesterday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from questlog_core.errors import CheckInWindowClosed, ConcurrencyConflict, ValidationFailed
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.streaks import credit_key, local_day
from questlog_core.gamification.use_cases._internals import (
    _Changes,
    _commit,
    _commit_profile,
    _settle,
)
from questlog_core.gamification.use_cases.outcomes import Profile, RolloverOutcome
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.ports.platform import Clock, IdFactory


async def roll_over_streak(
    user: UserId,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> RolloverOutcome:
    """Finalize the player's local days that have ended (each date once, however often run)."""
    now = clock.now()
    async with uow:
        player = await uow.players.get(user)
        progress = await uow.achievements.get(user)
        out = _Changes(ids, now, user)
        before = (player.streak, player.next_rollover_at)
        days = await _settle(uow, player, progress, rules, out)
        if not out.events and before == (player.streak, player.next_rollover_at):
            # already rolled over (by another runner, or a use case): change nothing
            return RolloverOutcome(days=(), rolled_over=False)
        await _commit(uow, out)
        return RolloverOutcome(days=tuple(days), events=tuple(out.events))


async def roll_over_due_streaks(
    make_uow: Callable[[], GamificationUnitOfWork],
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
    limit: int = 500,
) -> int:
    """The scheduler's job: roll over every player whose next day became final. Returns how
    many this run rolled over; a player another runner is rolling over right now, or has
    rolled over since the due list was read, is skipped (its rollover is the same one).
    """
    async with make_uow() as uow:
        due = await uow.players.due_for_rollover(clock.now(), limit)
    done = 0
    for user in due:
        try:
            outcome = await roll_over_streak(user, make_uow(), clock, ids, rules)
        except ConcurrencyConflict:
            continue  # the other worker's rollover is the same rollover
        done += outcome.rolled_over
    return done


async def check_in_yesterday(
    user: UserId,
    quest_id: QuestId,
    occurrence: int,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> Profile:
    """Count a completion made today for yesterday, while yesterday is not final."""
    now = clock.now()
    async with uow:
        player = await uow.players.find(user)
        if player is None or await uow.ledger.live_award(user, quest_id, occurrence) is None:
            # a reference in the request that names nothing of the caller's (no 404: the
            # resource addressed is the caller's streak, which exists)
            raise ValidationFailed("quest_id", "no completion of yours with a live award")
        progress = await uow.achievements.get(user)
        out = _Changes(ids, now, user)
        await _settle(uow, player, progress, rules, out)
        yesterday = local_day(now, player.timezone, player.day_start_hour) - timedelta(1)
        credit = credit_key(quest_id, occurrence)
        current = player.streak.credited_day(credit)
        if current != yesterday:
            if current is None or not rules.streaks.is_open(
                player.streak, yesterday, now, player.timezone, player.day_start_hour
            ):
                raise CheckInWindowClosed(yesterday)
            player.streak = rules.streaks.move_credit(player.streak, credit, yesterday)
        return await _commit_profile(uow, player, progress, rules, out)
