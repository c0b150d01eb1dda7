"""The game's use cases over the in-memory adapters: what a player would notice."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from questlog_core.errors import (
    CheckInWindowClosed,
    ConcurrencyConflict,
    PlayerNotFound,
    ValidationFailed,
)
from questlog_core.events import decode_event, encode_event
from questlog_core.events.gamification import (
    AchievementUnlocked,
    LevelLost,
    LevelReached,
    StreakBroken,
    StreakExtended,
    StreakFrozen,
    XpAwarded,
    XpReversed,
)
from questlog_core.gamification.leaderboards import Board
from questlog_core.ids import UserId
from questlog_core.services import gamification as game

from .world import ALICE, GameWorld

BOB = UserId(UUID(int=0xB0B))


async def test_a_completion_earns_xp_once_even_when_delivered_twice() -> None:
    w = GameWorld()
    event = w.completed(difficulty="hard")
    first = await w.complete(event)
    again = await w.complete(event)
    assert (first.status, first.total_xp) == ("awarded", 40)
    assert (again.status, again.total_xp) == ("duplicate_event", 40)
    assert w.xp() == 40
    assert len(w.events(XpAwarded)) == 1


async def test_a_second_event_for_the_same_occurrence_awards_nothing() -> None:
    w = GameWorld()
    quest = w.new_quest()
    await w.complete(quest=quest)
    again = await w.complete(quest=quest)  # a new event id, same (quest, occurrence)
    assert again.status == "already_awarded"
    assert w.xp() == 20


async def test_each_occurrence_of_a_recurring_quest_earns() -> None:
    w = GameWorld()
    quest = w.new_quest()
    await w.complete(quest=quest, occurrence=1)
    await w.complete(quest=quest, occurrence=2)
    assert len(w.events(XpAwarded)) == 2


async def test_reopening_reverses_the_stored_amount_not_a_recomputed_one() -> None:
    w = GameWorld()
    quest = w.new_quest()
    due = w.clock.now() + timedelta(days=3)
    done = await w.complete(quest=quest, due=due)  # early: 25 XP
    assert done.award is not None
    assert done.award.amount == 25
    w.clock.advance(timedelta(days=5))  # now it would be overdue if recomputed
    undone = await w.reopen(quest)
    assert undone.reversal is not None
    assert undone.reversal.amount == -25
    assert undone.reversal.reverses == done.award.entry_id
    assert w.xp() == 0


async def test_complete_reopen_a_hundred_times_nets_one_award() -> None:
    w = GameWorld()
    quest = w.new_quest()
    for _ in range(100):
        await w.complete(quest=quest, difficulty="epic")
        await w.reopen(quest)
    final = await w.complete(quest=quest, difficulty="epic")
    assert final.award is not None
    assert w.xp() == final.award.amount == 80
    assert len(w.events(XpReversed)) == 100


async def test_reopening_what_was_never_awarded_changes_nothing() -> None:
    w = GameWorld()
    await w.complete()
    outcome = await w.reopen(w.new_quest())
    assert outcome.status == "nothing_to_reverse"
    assert w.xp() == 20


async def test_a_reopen_can_take_a_level_back_but_features_stay() -> None:
    w = GameWorld()
    quest = w.new_quest()
    await w.complete(difficulty="epic")  # 80 XP: level 3 (templates)
    await w.complete(quest=quest, difficulty="epic")  # combo ×1.05: 84 → 164 XP, level 4
    assert (await w.profile()).level == 4
    await w.reopen(quest)
    profile = await w.profile()
    assert (profile.level, profile.total_xp) == (3, 80)
    assert "templates" in profile.unlocked_features
    assert [e.level for e in w.events(LevelLost)] == [3]
    await w.complete(quest=quest, difficulty="epic")
    reached = w.events(LevelReached)
    assert [(e.level, e.first_time) for e in reached][-1] == (4, False)


async def test_level_up_announces_the_features_it_unlocks() -> None:
    w = GameWorld()
    outcome = await w.complete(difficulty="epic")
    reached = [e for e in outcome.events if isinstance(e, LevelReached)]
    assert [(e.level, e.unlocked) for e in reached] == [(3, ("categories", "templates"))]


async def test_achievements_unlock_once_with_progress() -> None:
    w = GameWorld()
    for _ in range(12):
        await w.complete(difficulty="hard")
        w.clock.advance(timedelta(hours=1))
    unlocked = [e.key for e in w.events(AchievementUnlocked)]
    assert unlocked.count("hard-10") == 1
    assert unlocked.count("first-quest") == 1
    statuses = {s.key: s for s in await game.get_achievements(ALICE, w.uow())}
    assert statuses["hard-10"].unlocked_at is not None
    assert (statuses["hundred-quests"].progress, statuses["hundred-quests"].target) == (12, 100)


async def test_a_reopen_takes_counter_progress_back_but_keeps_the_unlock() -> None:
    w = GameWorld()
    quest = w.new_quest()
    await w.complete(quest=quest)
    await w.reopen(quest)
    statuses = {s.key: s for s in await game.get_achievements(ALICE, w.uow())}
    assert statuses["first-quest"].unlocked_at is not None
    assert statuses["ten-quests"].progress == 0
    await w.complete(quest=quest)
    assert [e.key for e in w.events(AchievementUnlocked)].count("first-quest") == 1


async def test_a_chain_of_five_and_an_early_bird() -> None:
    w = GameWorld()
    w.timezone = "Europe/Berlin"
    await w.complete(chain_length=5, at=w.local(2024, 3, 5, 7, 45))
    keys = {e.key for e in w.events(AchievementUnlocked)}
    assert {"chain-5", "early-bird"} <= keys
    assert "chain-10" not in keys


async def test_streak_counts_per_local_day_and_pays_milestones_when_final() -> None:
    w = GameWorld()
    for _ in range(3):
        await w.complete()
        w.clock.advance(timedelta(days=1))
    profile = await w.profile()
    assert profile.streak == 3
    assert [e.length for e in w.events(StreakExtended)] == [1]  # only Monday is final yet
    w.clock.advance(timedelta(hours=4))  # Wednesday becomes final at 12:00 on Thursday
    await w.roll_over()
    extended = w.events(StreakExtended)
    assert [(e.length, e.milestone_bonus) for e in extended] == [(1, 0), (2, 0), (3, 10)]
    assert (await w.profile()).total_xp == 20 + 20 + 21 + 10  # 20×1.02 → 20, 20×1.04 → 21


async def test_a_missed_day_spends_a_freeze_then_a_second_one_breaks_the_streak() -> None:
    w = GameWorld()
    for _ in range(7):  # 7 counted days earn one freeze
        await w.complete()
        w.clock.advance(timedelta(days=1))
    w.clock.advance(timedelta(days=3))  # two missed days, both final by now
    await w.roll_over()
    frozen, broken = w.events(StreakFrozen), w.events(StreakBroken)
    assert [(e.length, e.freezes_left) for e in frozen] == [(7, 0)]
    assert [(e.length_before, e.length_after) for e in broken] == [(7, 0)]
    assert frozen[0].day < broken[0].day


async def test_rollover_is_idempotent() -> None:
    w = GameWorld()
    await w.complete()
    w.clock.advance(timedelta(days=2))
    first = await w.roll_over()
    second = await w.roll_over()
    assert len(first.days) == 1
    assert second.days == ()


async def test_concurrent_rollovers_conflict_and_the_retry_is_a_no_op() -> None:
    w = GameWorld()
    await w.complete()
    w.clock.advance(timedelta(days=1, hours=4))
    one, two = w.uow(), w.uow()
    async with one, two:
        p1, p2 = await one.players.get(ALICE), await two.players.get(ALICE)
        p1.display_name = "one"
        p2.display_name = "two"
        await one.players.save(p1)
        await two.players.save(p2)
        await one.commit()
        with pytest.raises(ConcurrencyConflict):
            await two.commit()
    assert (await w.profile()).display_name == "one"
    done = await game.roll_over_due_streaks(w.uow, w.clock, w.ids)
    again = await game.roll_over_due_streaks(w.uow, w.clock, w.ids)
    assert (done, again) == (1, 0)
    assert len(w.events(StreakExtended)) == 1


async def test_check_in_for_yesterday_within_the_grace_window() -> None:
    w = GameWorld()
    await w.complete()  # Monday
    w.clock.advance(timedelta(days=1, hours=-1))  # Tuesday 08:00: nothing on Tuesday yet
    w.clock.advance(timedelta(days=1))  # Wednesday 08:00: Tuesday still open until 12:00
    quest = w.new_quest()
    await w.complete(quest=quest)
    profile = await game.check_in_yesterday(ALICE, quest, 0, w.uow(), w.clock, w.ids)
    assert profile.streak == 2
    assert not profile.today_counted
    w.clock.advance(timedelta(days=1, hours=5))  # Thursday 13:00: Wednesday is final
    late = w.new_quest()
    await w.complete(quest=late)
    with pytest.raises(CheckInWindowClosed):
        await game.check_in_yesterday(ALICE, late, 0, w.uow(), w.clock, w.ids)


async def test_time_zone_and_display_name_are_validated() -> None:
    w = GameWorld()
    with pytest.raises(ValidationFailed):
        await w.set_time_zone("Mars/Olympus_Mons")
    with pytest.raises(ValidationFailed):
        await w.set_time_zone("Europe/Berlin", 24)
    with pytest.raises(ValidationFailed):
        await game.set_display_name(ALICE, "alice@example.com", w.uow(), w.clock)
    with pytest.raises(PlayerNotFound):
        await w.profile()


async def test_boards_rank_with_a_deterministic_tie_break_and_honour_opt_out() -> None:
    w = GameWorld()
    await w.complete(user=BOB, difficulty="hard")
    w.clock.advance(timedelta(minutes=5))
    await w.complete(user=ALICE, difficulty="hard")  # same XP, reached later
    await game.set_display_name(ALICE, "Alice", w.uow(), w.clock)
    rows = await w.board()
    assert [(r.rank, r.user, r.xp) for r in rows] == [(1, BOB, 40), (2, ALICE, 40)]
    assert rows[1].display_name == "Alice"
    await game.set_leaderboard_opt_out(ALICE, True, w.uow(), w.clock, w.ids)
    assert [r.user for r in await w.board(Board.WEEKLY)] == [BOB]
    assert (await w.profile()).total_xp == 40  # XP kept
    await game.set_leaderboard_opt_out(ALICE, False, w.uow(), w.clock, w.ids)
    assert [r.user for r in await w.board()] == [BOB, ALICE]


async def test_every_game_event_round_trips_through_json() -> None:
    w = GameWorld()
    await w.complete(difficulty="epic")
    for event in w.store.outbox:
        assert decode_event(encode_event(event)) == event


async def test_a_failed_use_case_leaves_nothing_behind() -> None:
    w = GameWorld()
    await w.complete()
    before = (w.xp(), len(w.store.outbox), w.store.state.players[ALICE].version)

    async def crash() -> None:
        async with w.uow() as uow:
            assert await uow.inbox.claim("gamification", w.completed().event_id)
            player = await uow.players.get(ALICE)
            await uow.players.save(player)
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await crash()
    assert (w.xp(), len(w.store.outbox), w.store.state.players[ALICE].version) == before
    assert w.store.state.inbox == {("gamification", e.source_event_id) for e in w.ledger()}
