"""XP granted or taken outside the quest rules (operator or internal-service adjustments)."""

from __future__ import annotations

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.gamification.events import XpAdjusted
from questlog_core.gamification.ledger import EntryKind, LedgerEntry
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.streaks import local_day
from questlog_core.gamification.use_cases._internals import (
    _append,
    _Changes,
    _commit,
    _load_or_create,
    _settle,
)
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import Clock, IdFactory

#: the largest XP one operator adjustment may grant or take
MAX_ADJUSTMENT = 100_000


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
