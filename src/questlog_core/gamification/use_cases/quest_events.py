"""Consumers of quest events: award XP for a completion, reverse it when the quest is reopened.

Events may arrive in any order and more than once (see
:mod:`questlog_core.gamification.completions`): a completion that a recorded reopen followed
awards nothing, a reopen reverses only an award of a completion before it, and a completion
later than the live award replaces it. So complete/reopen repeated any number of times, then
complete, leaves exactly one award in force, whatever the delivery order.
"""

from __future__ import annotations

from typing import Literal

from questlog_core.gamification.achievements import AchievementProgress, CompletionFacts
from questlog_core.gamification.completions import Reopen, came_before, undone_by
from questlog_core.gamification.events import XpAwarded, XpReversed
from questlog_core.gamification.ledger import (
    EntryKind,
    LedgerEntry,
    award_key,
    live_awards,
    reversal_key,
)
from questlog_core.gamification.players import Player
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.streaks import credit_key, local_day, zone
from questlog_core.gamification.use_cases._internals import (
    _append,
    _Changes,
    _commit,
    _load_or_create,
    _settle,
)
from questlog_core.gamification.use_cases.outcomes import CompletionOutcome, ReopenOutcome
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.gamification.xp import CompletionContext
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.events import QuestCompleted, QuestReopened

#: The inbox consumer name of the game's quest-event handlers.
CONSUMER = "gamification"


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
        reopens = await uow.reopens.of(event.owner, event.quest_id, event.occurrence)
        if undone_by(event.quest_version, reopens) is not None:
            # its reopen was handled first (at-least-once delivery, several workers)
            await uow.commit()  # keep the inbox claim
            return await _unchanged(uow, event.owner, rules, "reopened_already")
        live = await uow.ledger.live_award(event.owner, event.quest_id, event.occurrence)
        if live is not None and not came_before(live.quest_version, event.quest_version):
            await uow.commit()  # keep the inbox claim
            return await _unchanged(uow, event.owner, rules, "already_awarded")
        out = _Changes(ids, now, player.user)
        progress = await uow.achievements.get(player.user)
        credit = credit_key(event.quest_id, event.occurrence)
        if live is not None:
            # A later completion proves the live award's completion was reopened, though
            # that reopen has not arrived yet: reverse it now (the reopen will find nothing).
            await _reverse(uow, player, progress, live, out, rules, event.event_id)

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
            quest_version=event.quest_version,
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
        if event.previous_status != "done":
            await uow.commit()  # an abandoned quest earned nothing; keep the inbox claim
            return await _nothing_reversed(uow, event.owner, rules, "nothing_to_reverse")
        player = await _load_or_create(uow, event.owner, "UTC", now, rules)
        reopen = Reopen(
            event_id=event.event_id,
            user=event.owner,
            quest_id=event.quest_id,
            occurrence=event.occurrence,
            quest_version=event.quest_version,
            reopened_at=event.reopened_at,
        )
        # Remembered for a completion that arrives after this (it then awards nothing).
        await uow.reopens.record(reopen)
        live = await uow.ledger.live_award(event.owner, event.quest_id, event.occurrence)
        if live is None or came_before(live.quest_version, event.quest_version) is False:
            # Nothing of this completion is in force (not arrived yet, or a later completion
            # already replaced it). Saving the player still orders this against a completion
            # handled at the same moment: one of the two commits, the other retries.
            await uow.players.save(player)
            await uow.commit()
            return await _nothing_reversed(uow, event.owner, rules, "nothing_to_reverse")
        out = _Changes(ids, now, player.user)
        progress = await uow.achievements.get(player.user)
        reversal = await _reverse(uow, player, progress, live, out, rules, event.event_id)
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


async def _reverse(
    uow: GamificationUnitOfWork,
    player: Player,
    progress: AchievementProgress,
    live: LedgerEntry,
    out: _Changes,
    rules: GameRules,
    source: EventId,
) -> LedgerEntry:
    """Append the reversal of exactly ``live`` and take back its achievement and streak credit
    (the caller settles level and streak afterwards)."""
    assert live.quest_id is not None  # an award names its quest occurrence
    assert live.occurrence is not None
    reversal = LedgerEntry(
        entry_id=out.ids.new_id(),
        user=player.user,
        key=reversal_key(live.entry_id),
        kind=EntryKind.REVERSAL,
        amount=-live.amount,
        reason=f"quest reopened: reverses {live.reason}",
        at=out.now,
        effective_at=live.effective_at,
        local_date=live.local_date,
        quest_id=live.quest_id,
        occurrence=live.occurrence,
        difficulty=live.difficulty,
        source_event_id=source,
        reverses=live.entry_id,
        multipliers=live.multipliers,
    )
    await _append(uow, player, reversal)
    out.add(
        XpReversed(
            **out.meta(),
            entry_id=reversal.entry_id,
            reverses=live.entry_id,
            quest_id=live.quest_id,
            occurrence=live.occurrence,
            amount=reversal.amount,
            total_xp=await uow.ledger.balance(player.user),
        )
    )
    credit = credit_key(live.quest_id, live.occurrence)
    rules.achievements.reverse_completion(progress, credit)
    player.streak = rules.streaks.uncredit(player.streak, credit)
    return reversal


async def _unchanged(
    uow: GamificationUnitOfWork,
    user: UserId,
    rules: GameRules,
    status: Literal["duplicate_event", "already_awarded", "reopened_already"],
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
