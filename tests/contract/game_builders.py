"""Builders shared by the gamification contract suites."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from questlog_core.gamification.ledger import EntryKind, LedgerEntry, Multiplier, award_key
from questlog_core.gamification.players import Player
from questlog_core.ids import EventId, QuestId, UserId

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def award(
    user: UserId,
    quest: QuestId,
    occurrence: int = 0,
    *,
    amount: int = 50,
    generation: int = 0,
    at: datetime = T0,
    day: date | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        entry_id=uuid.uuid4(),
        user=user,
        key=award_key(quest, occurrence, generation),
        kind=EntryKind.AWARD,
        amount=amount,
        reason="quest completed",
        at=at,
        effective_at=at,
        local_date=day or at.date(),
        quest_id=quest,
        occurrence=occurrence,
        difficulty="hard",
        source_event_id=EventId(uuid.uuid4()),
        multipliers=(Multiplier("streak", 1.1), Multiplier("on_time", 1.25)),
    )


def reversal(entry: LedgerEntry, at: datetime) -> LedgerEntry:
    return LedgerEntry(
        entry_id=uuid.uuid4(),
        user=entry.user,
        key=f"reversal:{entry.entry_id}",
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        reason="quest reopened",
        at=at,
        effective_at=entry.effective_at,
        local_date=entry.local_date,
        quest_id=entry.quest_id,
        occurrence=entry.occurrence,
        reverses=entry.entry_id,
    )


def player(user: UserId, *, rollover_in: timedelta | None = None) -> Player:
    return Player(
        user=user,
        display_name=f"Adventurer {str(user)[:8]}",
        timezone="Europe/Berlin",
        day_start_hour=4,
        created_at=T0,
        next_rollover_at=T0 + rollover_in if rollover_in is not None else None,
    )
