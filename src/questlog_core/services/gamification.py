"""Use cases of the game: award and reverse XP, roll streaks over, answer profile and boards.

Each use case runs in one :class:`GamificationUnitOfWork`: the ledger, the player, the
achievements, the boards, the inbox claim and the events commit together or not at all.
Consumers of quest events are idempotent twice over: the inbox ignores a redelivered event id,
and the ledger awards ``(quest_id, occurrence)`` at most once while that award is live.

Every write use case first brings the player's streak up to ``clock.now()`` (the rollover is
idempotent per local date), so a late scheduler never changes an outcome.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, TypedDict

import msgspec

from questlog_core.errors import (
    CheckInWindowClosed,
    ConcurrencyConflict,
    ValidationFailed,
)
from questlog_core.events import DomainEvent
from questlog_core.events.gamification import (
    AchievementUnlocked,
    LeaderboardVisibilityChanged,
    LevelLost,
    LevelReached,
    StreakBroken,
    StreakExtended,
    StreakFrozen,
    XpAdjusted,
    XpAwarded,
    XpReversed,
)
from questlog_core.events.quests import QuestCompleted, QuestReopened
from questlog_core.gamification.achievements import (
    DEFAULT_ACHIEVEMENT_BOOK,
    Achievement,
    AchievementBook,
    AchievementProgress,
    AchievementStatus,
    CompletionFacts,
)
from questlog_core.gamification.leaderboards import (
    Board,
    BoardEntry,
    BoardRow,
    is_period,
    period_of,
)
from questlog_core.gamification.ledger import (
    EntryKind,
    LedgerEntry,
    Multiplier,
    award_key,
    live_awards,
    reversal_key,
)
from questlog_core.gamification.levels import DEFAULT_LEVEL_CURVE, LevelCurve
from questlog_core.gamification.players import Player, default_display_name
from questlog_core.gamification.streaks import (
    DEFAULT_STREAK_POLICY,
    DayOutcome,
    StreakPolicy,
    check_day_start_hour,
    credit_key,
    day_start,
    local_day,
    zone,
)
from questlog_core.gamification.xp import DEFAULT_XP_POLICY, CompletionContext, XpPolicy
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.ports.gamification import GamificationUnitOfWork
from questlog_core.ports.platform import Clock, IdFactory

#: The inbox consumer name of the game's quest-event handlers.
CONSUMER = "gamification"


@dataclass(frozen=True)
class GameRules:
    """Every policy of the game in one place; a deployment passes its own."""

    xp: XpPolicy = DEFAULT_XP_POLICY
    streaks: StreakPolicy = DEFAULT_STREAK_POLICY
    levels: LevelCurve = DEFAULT_LEVEL_CURVE
    achievements: AchievementBook = DEFAULT_ACHIEVEMENT_BOOK


DEFAULT_RULES = GameRules()


class CompletionOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What handling a ``QuestCompleted`` did."""

    status: Literal["awarded", "duplicate_event", "already_awarded"]
    award: LedgerEntry | None
    total_xp: int
    level: int
    events: tuple[DomainEvent, ...] = ()


class ReopenOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What handling a ``QuestReopened`` did."""

    status: Literal["reversed", "duplicate_event", "nothing_to_reverse"]
    reversal: LedgerEntry | None
    total_xp: int
    level: int
    events: tuple[DomainEvent, ...] = ()


class RolloverOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The days a rollover finalized (empty when it had already run)."""

    days: tuple[DayOutcome, ...]
    events: tuple[DomainEvent, ...] = ()


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """A player's game state as they see it (no email: the game never has it)."""

    user: UserId
    display_name: str
    total_xp: int
    level: int
    xp_into_level: int
    xp_for_next: int
    unlocked_features: tuple[str, ...]
    streak: int
    longest_streak: int
    freezes: int
    today: date
    today_counted: bool
    timezone: str
    day_start_hour: int
    opted_out: bool
    #: what the player's streak and today's completions multiply their next award by
    multipliers: tuple[Multiplier, ...] = ()


# -- consumers of quest events ----------------------------------------------------------------


async def handle_quest_completed(
    event: QuestCompleted,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> CompletionOutcome:
    """Award XP for a completion exactly once (per event id and per quest occurrence)."""
    now = clock.now()
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return await _unchanged(uow, event.owner, rules, "duplicate_event")
        player = await _load_or_create(uow, event.owner, event.owner_timezone, now, rules)
        if await uow.ledger.live_award(event.owner, event.quest_id, event.occurrence):
            await uow.commit()  # keep the inbox claim
            return await _unchanged(uow, event.owner, rules, "already_awarded")
        out = _Changes(ids, now, player.user)
        progress = await uow.achievements.get(player.user)

        day = local_day(event.completed_at, player.timezone, player.day_start_hour)
        today = await uow.ledger.entries_on(player.user, day)
        live_today = live_awards(today)
        ctx = CompletionContext(
            difficulty=event.difficulty,
            priority=event.priority,
            due=event.due,
            completed_at=event.completed_at,
            created_at=event.created_at,
            on_time=event.on_time,
            unblocked_count=event.unblocked_count,
            streak_days=player.streak.displayed(),
            completed_earlier_today=len(live_today),
            quick_earlier_today=sum(1 for e in live_today if e.multiplier("quick_trivial")),
            awarded_today_for_difficulty=sum(
                e.amount for e in live_today if e.difficulty == event.difficulty
            ),
        )
        award = rules.xp.award(ctx)
        generation = await uow.ledger.awards_made(player.user, event.quest_id, event.occurrence)
        entry = LedgerEntry(
            entry_id=ids.new_id(),
            user=player.user,
            key=award_key(event.quest_id, event.occurrence, generation),
            kind=EntryKind.AWARD,
            amount=award.amount,
            reason=award.reason,
            at=now,
            effective_at=event.completed_at,
            local_date=day,
            quest_id=event.quest_id,
            occurrence=event.occurrence,
            difficulty=event.difficulty,
            source_event_id=event.event_id,
            multipliers=award.multipliers,
        )
        await _append(uow, player, entry)
        total = await uow.ledger.balance(player.user)
        out.add(
            XpAwarded(
                **out.meta(),
                entry_id=entry.entry_id,
                quest_id=event.quest_id,
                occurrence=event.occurrence,
                amount=entry.amount,
                total_xp=total,
                reason=entry.reason,
                multipliers={m.name: m.factor for m in entry.multipliers},
                capped=award.capped,
            )
        )

        wall = event.completed_at.astimezone(zone(player.timezone))
        facts = CompletionFacts(
            difficulty=event.difficulty,
            priority=event.priority,
            local_time=wall,
            local_date=day,
            on_time=event.on_time and event.due is not None,
            early=any(m.name == "early" for m in entry.multipliers),
            chain_length=event.chain_length,
            unblocked_count=event.unblocked_count,
            completed_today=len(live_today) + 1,
            category=event.category,
        )
        credit = credit_key(event.quest_id, event.occurrence)
        out.unlocked(rules.achievements.record_completion(progress, credit, facts, now))
        player.streak = rules.streaks.credit(player.streak, credit, day)
        await _settle(uow, player, progress, rules, out)
        result = CompletionOutcome(
            status="awarded",
            award=entry,
            total_xp=await uow.ledger.balance(player.user),
            level=player.level,
            events=tuple(out.events),
        )
        await _commit(uow, out)
        return result


async def handle_quest_reopened(
    event: QuestReopened,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> ReopenOutcome:
    """Reverse exactly the stored award of the reopened occurrence (and its consequences)."""
    now = clock.now()
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return await _nothing_reversed(uow, event.owner, rules, "duplicate_event")
        player = await uow.players.find(event.owner)
        live = (
            await uow.ledger.live_award(event.owner, event.quest_id, event.occurrence)
            if player is not None
            else None
        )
        if player is None or live is None:
            await uow.commit()  # keep the inbox claim
            return await _nothing_reversed(uow, event.owner, rules, "nothing_to_reverse")
        out = _Changes(ids, now, player.user)
        progress = await uow.achievements.get(player.user)
        reversal = LedgerEntry(
            entry_id=ids.new_id(),
            user=player.user,
            key=reversal_key(live.entry_id),
            kind=EntryKind.REVERSAL,
            amount=-live.amount,
            reason=f"quest reopened: reverses {live.reason}",
            at=now,
            effective_at=live.effective_at,
            local_date=live.local_date,
            quest_id=live.quest_id,
            occurrence=live.occurrence,
            difficulty=live.difficulty,
            source_event_id=event.event_id,
            reverses=live.entry_id,
            multipliers=live.multipliers,
        )
        await _append(uow, player, reversal)
        out.add(
            XpReversed(
                **out.meta(),
                entry_id=reversal.entry_id,
                reverses=live.entry_id,
                quest_id=event.quest_id,
                occurrence=event.occurrence,
                amount=reversal.amount,
                total_xp=await uow.ledger.balance(player.user),
            )
        )
        credit = credit_key(event.quest_id, event.occurrence)
        rules.achievements.reverse_completion(progress, credit)
        player.streak = rules.streaks.uncredit(player.streak, credit)
        await _settle(uow, player, progress, rules, out)
        result = ReopenOutcome(
            status="reversed",
            reversal=reversal,
            total_xp=await uow.ledger.balance(player.user),
            level=player.level,
            events=tuple(out.events),
        )
        await _commit(uow, out)
        return result


# -- streaks ----------------------------------------------------------------------------------


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
            return RolloverOutcome(days=())  # already rolled over: change nothing
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
    many were rolled over; a player another worker is rolling over right now is skipped.
    """
    async with make_uow() as uow:
        due = await uow.players.due_for_rollover(clock.now(), limit)
    done = 0
    for user in due:
        try:
            await roll_over_streak(user, make_uow(), clock, ids, rules)
            done += 1
        except ConcurrencyConflict:
            continue  # the other worker's rollover is the same rollover
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


# -- settings ---------------------------------------------------------------------------------


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
    name = unicodedata.normalize("NFC", display_name).strip()
    if not 1 <= len(name) <= 40:
        raise ValidationFailed("display_name", "must be 1 to 40 characters")
    if "@" in name:
        raise ValidationFailed("display_name", "must not be an email address")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name):
        raise ValidationFailed("display_name", "contains control characters")
    now = clock.now()
    async with uow:
        player = await _load_or_create(uow, user, "UTC", now, rules)
        player.display_name = name
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
            uow.collect(
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


# -- queries ----------------------------------------------------------------------------------


async def get_profile(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, rules: GameRules = DEFAULT_RULES
) -> Profile:
    """The player's XP, level, features and streak as of now (read only)."""
    async with uow:
        player = await uow.players.get(user)
        return await _profile(uow, player, rules, clock.now())


async def get_achievements(
    user: UserId, uow: GamificationUnitOfWork, rules: GameRules = DEFAULT_RULES
) -> list[AchievementStatus]:
    """Every achievement with the player's progress and unlock time."""
    async with uow:
        return rules.achievements.statuses(await uow.achievements.get(user))


async def get_xp_history(
    user: UserId, uow: GamificationUnitOfWork, limit: int = 50
) -> list[LedgerEntry]:
    """The player's most recent ledger entries, newest first."""
    async with uow:
        entries = await uow.ledger.entries(user)
        return list(reversed(entries))[:limit]


async def get_leaderboard(
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    period: str | None = None,
    limit: int = 10,
) -> list[BoardRow]:
    """The top of a board (the current period unless ``period`` is given)."""
    if not 1 <= limit <= 100:
        raise ValidationFailed("limit", "must be between 1 and 100")
    async with uow:
        return await uow.leaderboard.top(board, period or period_of(board, clock.now()), limit)


async def get_rank(
    user: UserId,
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    period: str | None = None,
) -> BoardRow | None:
    """The player's row on a board, or ``None`` (no XP in the period, or opted out)."""
    async with uow:
        return await uow.leaderboard.rank_of(board, period or period_of(board, clock.now()), user)


# -- what the HTTP service asks ---------------------------------------------------------------

#: the most ledger entries or board rows one page holds
MAX_PAGE = 100
#: the largest XP one operator adjustment may grant or take
MAX_ADJUSTMENT = 100_000


class StreakView(msgspec.Struct, frozen=True, kw_only=True):
    """A player's streak as of now, with what they can still do about yesterday.

    ``yesterday_open`` is true while a completion made today can still be checked in for
    yesterday (until ``check_in_closes_at``). Freezes are spent by the rollover itself on a
    day without a completion; ``frozen_days`` lists the recent days one covered.
    """

    current: int
    longest: int
    freezes: int
    freeze_cap: int
    days_to_next_freeze: int | None
    today: date
    today_counted: bool
    yesterday: date
    yesterday_counted: bool
    yesterday_open: bool
    check_in_closes_at: datetime
    next_milestone: int | None
    next_milestone_bonus: int
    frozen_days: tuple[date, ...]
    timezone: str
    day_start_hour: int


class LedgerPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of a player's ledger, newest first."""

    items: tuple[LedgerEntry, ...]
    total: int
    offset: int
    limit: int


class BoardPage(msgspec.Struct, frozen=True, kw_only=True):
    """Consecutive rows of one board period, and the caller's own row if they are on it."""

    board: Board
    period: str
    offset: int
    rows: tuple[BoardRow, ...]
    me: BoardRow | None


class AwardXp(msgspec.Struct, frozen=True, kw_only=True):
    """An operator or internal service grants (or, negative, takes) XP.

    ``reference`` makes the grant idempotent: a second grant with the same reference for the
    same player changes nothing and answers the first one.
    """

    user: UserId
    amount: int
    reason: str
    reference: str | None = None


class AwardOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What an :class:`AwardXp` did (``created`` false: the reference had been used)."""

    entry: LedgerEntry
    created: bool
    total_xp: int
    level: int
    events: tuple[DomainEvent, ...] = ()


async def get_player_profile(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, rules: GameRules = DEFAULT_RULES
) -> Profile:
    """The player's profile as of now; a player with no game yet sees a fresh one (level 1,
    no XP, no streak, UTC), nothing stored until something happens."""
    now = clock.now()
    async with uow:
        player = await uow.players.find(user)
        if player is None:
            player = _fresh_player(user, now)
        return await _profile(uow, player, rules, now)


async def get_streak(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, rules: GameRules = DEFAULT_RULES
) -> StreakView:
    """The player's streak as of now (read only: the rollover is computed, not stored)."""
    now = clock.now()
    policy = rules.streaks
    async with uow:
        player = await uow.players.find(user) or _fresh_player(user, now)
    tz, hour = player.timezone, player.day_start_hour
    streak, _ = policy.roll_over(player.streak, now, tz, hour)
    today = local_day(now, tz, hour)
    yesterday = today - timedelta(1)
    shown = streak.displayed()
    upcoming = sorted(length for length in policy.milestones if length > shown)
    at_cap = streak.freezes >= policy.freeze_cap
    return StreakView(
        current=shown,
        longest=max(streak.longest, shown),
        freezes=streak.freezes,
        freeze_cap=policy.freeze_cap,
        days_to_next_freeze=None if at_cap else policy.freeze_every - streak.run_toward_freeze,
        today=today,
        today_counted=bool(streak.credits_on(today)),
        yesterday=yesterday,
        yesterday_counted=bool(streak.credits_on(yesterday)),
        yesterday_open=policy.is_open(streak, yesterday, now, tz, hour),
        check_in_closes_at=day_start(today, tz, hour) + policy.check_in_grace,
        next_milestone=upcoming[0] if upcoming else None,
        next_milestone_bonus=policy.milestones[upcoming[0]] if upcoming else 0,
        frozen_days=streak.frozen_days,
        timezone=tz,
        day_start_hour=hour,
    )


async def get_ledger_page(
    user: UserId, uow: GamificationUnitOfWork, offset: int = 0, limit: int = 50
) -> LedgerPage:
    """A page of the player's ledger, newest first (``offset`` entries skipped; ``limit``
    clamped to 1..``MAX_PAGE`` and a negative offset read as 0, like the quest listing)."""
    offset, limit = _page_bounds(offset, limit)
    async with uow:
        entries = await uow.ledger.entries(user)
    newest_first = entries[::-1]
    return LedgerPage(
        items=tuple(newest_first[offset : offset + limit]),
        total=len(entries),
        offset=offset,
        limit=limit,
    )


async def get_board_page(
    user: UserId,
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    *,
    period: str | None = None,
    around_me: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> BoardPage:
    """Rows of a board period from ``offset`` (the current period unless ``period`` is
    given), or, with ``around_me``, the page centred on the caller's row. Players who opted
    out are on no board, so never in a page; ``me`` is ``None`` for them too. A ``period`` the
    board does not have (``2026-W99``, a month on the weekly board) has no rows, and the board
    is not asked (so no request makes a board build a period that cannot exist). ``limit`` is
    clamped to 1..``MAX_PAGE`` and a negative offset read as 0.
    """
    offset, limit = _page_bounds(offset, limit)
    chosen = period or period_of(board, clock.now())
    if not is_period(board, chosen):
        return BoardPage(board=board, period=chosen, offset=offset, rows=(), me=None)
    async with uow:
        me = await uow.leaderboard.rank_of(board, chosen, user)
        if around_me and me is not None:
            offset = max(me.rank - 1 - limit // 2, 0)
        rows = await uow.leaderboard.top(board, chosen, limit, offset=offset)
    return BoardPage(board=board, period=chosen, offset=offset, rows=tuple(rows), me=me)


async def award_xp(
    cmd: AwardXp,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> AwardOutcome:
    """Grant or take XP outside the quest rules (an ``adjustment`` entry), never leaving the
    player below 0 XP; levels and achievements follow as after any other ledger change."""
    if cmd.amount == 0 or abs(cmd.amount) > MAX_ADJUSTMENT:
        raise ValidationFailed(
            "amount", f"must be non-zero and at most {MAX_ADJUSTMENT} either way"
        )
    reason = cmd.reason.strip()
    if not 1 <= len(reason) <= 200:
        raise ValidationFailed("reason", "must be 1 to 200 characters")
    reference = None if cmd.reference is None else cmd.reference.strip()
    if reference is not None and not 1 <= len(reference) <= 100:
        raise ValidationFailed("reference", "must be 1 to 100 characters")
    now = clock.now()
    async with uow:
        if reference is not None:
            earlier = await uow.ledger.get_by_key(cmd.user, _adjustment_key(reference))
            if earlier is not None:
                total = await uow.ledger.balance(cmd.user)
                return AwardOutcome(
                    entry=earlier,
                    created=False,
                    total_xp=total,
                    level=rules.levels.level_for(total),
                )
        player = await _load_or_create(uow, cmd.user, "UTC", now, rules)
        if await uow.ledger.balance(cmd.user) + cmd.amount < 0:
            raise ValidationFailed("amount", "would take the player below 0 XP")
        progress = await uow.achievements.get(cmd.user)
        out = _Changes(ids, now, cmd.user)
        entry_id = ids.new_id()
        entry = LedgerEntry(
            entry_id=entry_id,
            user=cmd.user,
            key=_adjustment_key(reference or str(entry_id)),
            kind=EntryKind.ADJUSTMENT,
            amount=cmd.amount,
            reason=reason,
            at=now,
            effective_at=now,
            local_date=local_day(now, player.timezone, player.day_start_hour),
        )
        await _append(uow, player, entry)
        out.add(
            XpAdjusted(
                **out.meta(),
                entry_id=entry.entry_id,
                kind=EntryKind.ADJUSTMENT.value,
                amount=entry.amount,
                total_xp=await uow.ledger.balance(cmd.user),
                reason=reason,
            )
        )
        await _settle(uow, player, progress, rules, out)
        result = AwardOutcome(
            entry=entry,
            created=True,
            total_xp=await uow.ledger.balance(cmd.user),
            level=player.level,
            events=tuple(out.events),
        )
        await _commit(uow, out)
        return result


def _adjustment_key(reference: str) -> str:
    return f"{EntryKind.ADJUSTMENT.value}:{reference}"


def _page_bounds(offset: int, limit: int) -> tuple[int, int]:
    return max(offset, 0), min(max(limit, 1), MAX_PAGE)


def _fresh_player(user: UserId, now: datetime) -> Player:
    """The profile of a player who has none stored yet (never saved by the queries)."""
    return Player(
        user=user, display_name=default_display_name(user), timezone="UTC", created_at=now
    )


# -- internals ---------------------------------------------------------------------------------


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
    await uow.players.add(player)
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
    uow.collect(*out.events)
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


async def _unchanged(
    uow: GamificationUnitOfWork,
    user: UserId,
    rules: GameRules,
    status: Literal["duplicate_event", "already_awarded"],
) -> CompletionOutcome:
    total = await uow.ledger.balance(user)
    return CompletionOutcome(
        status=status, award=None, total_xp=total, level=rules.levels.level_for(total)
    )


async def _nothing_reversed(
    uow: GamificationUnitOfWork,
    user: UserId,
    rules: GameRules,
    status: Literal["duplicate_event", "nothing_to_reverse"],
) -> ReopenOutcome:
    total = await uow.ledger.balance(user)
    return ReopenOutcome(
        status=status, reversal=None, total_xp=total, level=rules.levels.level_for(total)
    )


__all__ = [
    "CONSUMER",
    "DEFAULT_RULES",
    "MAX_ADJUSTMENT",
    "MAX_PAGE",
    "AwardOutcome",
    "AwardXp",
    "BoardPage",
    "CompletionOutcome",
    "GameRules",
    "LedgerPage",
    "Profile",
    "ReopenOutcome",
    "RolloverOutcome",
    "StreakView",
    "award_xp",
    "check_in_yesterday",
    "get_achievements",
    "get_board_page",
    "get_leaderboard",
    "get_ledger_page",
    "get_player_profile",
    "get_profile",
    "get_rank",
    "get_streak",
    "get_xp_history",
    "handle_quest_completed",
    "handle_quest_reopened",
    "roll_over_due_streaks",
    "roll_over_streak",
    "set_display_name",
    "set_leaderboard_opt_out",
    "set_time_zone",
]
