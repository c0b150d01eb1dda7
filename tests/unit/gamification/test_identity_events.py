"""The game follows the account: a player who registered as "Bo" in Europe/Berlin is "Bo" on
the boards and their streak days end at Berlin's midnight (or their day-start hour)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from questlog_core.gamification import use_cases as game
from questlog_core.gamification.leaderboards import Board
from questlog_core.gamification.streaks import local_day
from questlog_core.identity.events import ProfileUpdated, UserRegistered
from questlog_core.kernel.ids import EventId, UserId

from .world import ALICE, GameWorld

BOB = UserId(UUID(int=0xB0B))


def registered(
    world: GameWorld,
    name: str = "Bo",
    tz: str = "Europe/Berlin",
    hour: int = 0,
    user: UserId = ALICE,
    at: datetime | None = None,
) -> UserRegistered:
    return UserRegistered(
        event_id=EventId(world.ids.new_id()),
        occurred_at=at or world.clock.now(),
        owner=user,
        email="bo@example.com",
        display_name=name,
        timezone=tz,
        day_start_hour=hour,
    )


def updated(
    world: GameWorld, name: str, tz: str, hour: int = 0, at: datetime | None = None
) -> ProfileUpdated:
    return ProfileUpdated(
        event_id=EventId(world.ids.new_id()),
        occurred_at=at or world.clock.now(),
        owner=ALICE,
        display_name=name,
        timezone=tz,
        day_start_hour=hour,
    )


async def follow(world: GameWorld, event: UserRegistered | ProfileUpdated) -> game.IdentityOutcome:
    return await game.handle_identity_profile(event, world.uow(), world.clock, world.ids)


async def test_a_registered_player_is_shown_by_their_name_in_their_zone() -> None:
    world = GameWorld()
    assert (await follow(world, registered(world))).status == "applied"
    world.timezone = "Europe/Berlin"
    await world.complete()

    profile = await world.profile()
    assert (profile.display_name, profile.timezone) == ("Bo", "Europe/Berlin")
    assert [r.display_name for r in await world.board(Board.ALL_TIME)] == ["Bo"]
    assert "bo@example.com" not in repr(world.store.state.players[ALICE])


async def test_streak_days_follow_the_zone_from_identity() -> None:
    # 23:30 UTC on a Monday is already Tuesday 00:30 in Berlin
    world = GameWorld(start=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    await follow(world, registered(world, tz="Europe/Berlin"))
    await world.complete(timezone="UTC")  # the quest service's zone does not override it

    award = world.ledger()[0]
    assert award.local_date == local_day(world.clock.now(), "Europe/Berlin", 0)
    assert award.local_date.isoformat() == "2026-03-03"


async def test_a_profile_change_renames_the_board_row_and_moves_the_day_boundary() -> None:
    world = GameWorld()
    await follow(world, registered(world))
    await world.complete()
    world.clock.advance(timedelta(minutes=5))
    await follow(world, updated(world, "Bodil", "America/New_York", hour=4))

    profile = await world.profile()
    assert (profile.display_name, profile.timezone, profile.day_start_hour) == (
        "Bodil",
        "America/New_York",
        4,
    )
    assert [r.display_name for r in await world.board(Board.ALL_TIME)] == ["Bodil"]


async def test_a_redelivered_or_late_older_event_changes_nothing() -> None:
    world = GameWorld()
    first = registered(world)
    await follow(world, first)
    world.clock.advance(timedelta(minutes=1))
    await follow(world, updated(world, "Bodil", "Asia/Tokyo"))

    assert (await follow(world, first)).status == "duplicate_event"
    late_copy = registered(world, at=first.occurred_at)  # same fact, new delivery id
    assert (await follow(world, late_copy)).status == "stale"
    profile = await world.profile()
    assert (profile.display_name, profile.timezone) == ("Bodil", "Asia/Tokyo")


async def test_a_name_the_board_would_refuse_keeps_the_board_name() -> None:
    world = GameWorld()
    await follow(world, registered(world, name="Bo"))
    world.clock.advance(timedelta(minutes=1))
    outcome = await follow(world, updated(world, "bo@example.com", "Europe/Berlin"))

    assert outcome.status == "applied"
    assert (await world.profile()).display_name == "Bo"  # never an email on a board


async def test_an_opted_out_player_stays_off_the_boards_when_renamed() -> None:
    world = GameWorld()
    await follow(world, registered(world))
    await world.complete()
    await game.set_leaderboard_opt_out(ALICE, True, world.uow(), world.clock, world.ids)
    world.clock.advance(timedelta(minutes=1))
    await follow(world, updated(world, "Bodil", "Europe/Berlin"))

    assert await world.board(Board.ALL_TIME) == []
    assert (await world.profile()).display_name == "Bodil"
