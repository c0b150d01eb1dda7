"""Contract of player profiles and achievement progress."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from questlog_core.errors import AlreadyExists, ConcurrencyConflict, PlayerNotFound
from questlog_core.gamification.achievements import AchievementProgress
from questlog_core.gamification.streaks import DayCredits, Streak

from .conftest import GameBackend
from .game_builders import T0, player
from .quest_builders import new_user


async def test_a_player_comes_back_whole(game_backend: GameBackend) -> None:
    user = new_user()
    profile = player(user, rollover_in=timedelta(hours=20))
    profile.streak = Streak(
        current=3,
        longest=9,
        freezes=1,
        evaluated_through=date(2026, 3, 1),
        pending=(DayCredits(date(2026, 3, 2), ("q:0",)),),
        frozen_days=(date(2026, 2, 20),),
    )
    async with game_backend.uow() as uow:
        assert await uow.players.find(user) is None
        await uow.players.add(profile)
        assert profile.version == 1
        await uow.commit()
    async with game_backend.uow() as uow:
        loaded = await uow.players.get(user)
    assert loaded == profile
    with pytest.raises(PlayerNotFound):
        async with game_backend.uow() as uow:
            await uow.players.get(new_user())


async def test_a_user_has_one_profile(game_backend: GameBackend) -> None:
    user = new_user()
    async with game_backend.uow() as uow:
        await uow.players.add(player(user))
        await uow.commit()
    async with game_backend.uow() as uow:
        with pytest.raises(AlreadyExists):
            await uow.players.add(player(user))


async def test_saves_are_optimistic(game_backend: GameBackend) -> None:
    user = new_user()
    async with game_backend.uow() as uow:
        await uow.players.add(player(user))
        await uow.commit()
    async with game_backend.uow() as uow:
        first = await uow.players.get(user)
        first.level = 2
        await uow.players.save(first)
        assert first.version == 2
        await uow.commit()
    async with game_backend.uow() as uow:
        stale = await uow.players.get(user)
        stale.version = 1
        with pytest.raises(ConcurrencyConflict):
            await uow.players.save(stale)
        with pytest.raises(PlayerNotFound):
            await uow.players.save(player(new_user()))
    async with game_backend.uow() as uow:
        assert (await uow.players.get(user)).level == 2


async def test_concurrent_saves_of_one_version_let_exactly_one_win(
    game_backend: GameBackend,
) -> None:
    user = new_user()
    async with game_backend.uow() as uow:
        await uow.players.add(player(user))
        await uow.commit()

    async def level_up(level: int) -> bool:
        async with game_backend.uow() as uow:
            profile = await uow.players.get(user)
            profile.version = 1
            profile.level = level
            try:
                await uow.players.save(profile)
                await uow.commit()
            except ConcurrencyConflict:
                return False
            return True

    outcomes = await asyncio.gather(*(level_up(n) for n in range(2, 7)))
    assert outcomes.count(True) == 1


async def test_players_due_for_rollover(game_backend: GameBackend) -> None:
    late, early, never, future = new_user(), new_user(), new_user(), new_user()
    async with game_backend.uow() as uow:
        await uow.players.add(player(late, rollover_in=timedelta(hours=2)))
        await uow.players.add(player(early, rollover_in=timedelta(hours=1)))
        await uow.players.add(player(never))
        await uow.players.add(player(future, rollover_in=timedelta(days=2)))
        await uow.commit()
    async with game_backend.uow() as uow:
        now = T0 + timedelta(hours=2)
        assert await uow.players.due_for_rollover(now) == [early, late]
        assert await uow.players.due_for_rollover(now, limit=1) == [early]


async def test_achievement_progress_round_trips(game_backend: GameBackend) -> None:
    user = new_user()
    progress = AchievementProgress(
        counters={"quests_completed": 3, "longest_chain": 2},
        unlocked={"first-quest": T0},
        contributions={"q1:0": {"quests_completed": 1}},
    )
    async with game_backend.uow() as uow:
        assert await uow.achievements.get(user) == AchievementProgress()
        await uow.achievements.save(user, progress)
        await uow.commit()
    async with game_backend.uow() as uow:
        assert await uow.achievements.get(user) == progress
        progress.counters["quests_completed"] = 4
        await uow.achievements.save(user, progress)
        await uow.commit()
    async with game_backend.uow() as uow:
        assert (await uow.achievements.get(user)).counters["quests_completed"] == 4
        assert await uow.achievements.get(new_user()) == AchievementProgress()
