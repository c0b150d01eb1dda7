"""The scheduler's rollover runs at each player's local day boundary (their zone, their
day-start hour, plus the check-in grace), once per day, across a daylight-saving change.

A fake clock walks Europe/Berlin through the night DST starts (2026-03-29, 02:00 → 03:00):
the player's days end at 04:00 local and become final at 16:00 local (12 h grace), which is
15:00 UTC before the change and 14:00 UTC after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from questlog_core.gamification import use_cases as game
from questlog_core.gamification.events import StreakBroken, StreakExtended, StreakFrozen

from .world import GameWorld

BERLIN = ZoneInfo("Europe/Berlin")
STEP = timedelta(minutes=15)


async def test_each_day_is_finalized_once_at_the_local_boundary_across_dst() -> None:
    start = datetime(2026, 3, 24, 23, 0, tzinfo=UTC)
    world = GameWorld(start=start)
    await world.set_time_zone("Europe/Berlin", hour=4)
    play_days = {f"2026-03-{d}" for d in (25, 26, 27, 28, 29, 30)}  # then Tuesday is missed
    finalized_at: dict[str, datetime] = {}
    runs: list[datetime] = []  # when a scheduler run rolled someone over

    while world.clock.now() < datetime(2026, 4, 1, 18, 0, tzinfo=UTC):
        local = world.clock.now().astimezone(BERLIN)
        if local.strftime("%Y-%m-%d") in play_days and (local.hour, local.minute) == (10, 0):
            await world.complete(at=world.clock.now())
        before = len(world.store.outbox)
        if await game.roll_over_due_streaks(world.uow, world.clock, world.ids):
            runs.append(world.clock.now())
        for event in world.store.outbox[before:]:
            if isinstance(event, StreakExtended | StreakFrozen | StreakBroken):
                day = event.day.isoformat()
                assert day not in finalized_at, f"{day} was finalized twice"
                finalized_at[day] = world.clock.now()
        world.clock.advance(STEP)

    assert sorted(finalized_at) == [*sorted(play_days), "2026-03-31"]
    for day, at in finalized_at.items():
        local = at.astimezone(BERLIN)
        # final at 16:00 local the next day, seen by the first tick at or after it
        assert (local.date() - datetime.fromisoformat(day).date()).days == 1
        assert (local.hour, local.minute) == (16, 0), (day, local)
    assert finalized_at["2026-03-27"].hour == 15  # CET: UTC+1
    assert finalized_at["2026-03-29"].hour == 14  # CEST: UTC+2
    # the scheduler found work only at 16:00 local, once a day (the first day, a quiet one
    # before the player's first completion, is finalized without an event)
    assert [(r.astimezone(BERLIN).hour, r.astimezone(BERLIN).minute) for r in runs] == [
        (16, 0)
    ] * len(runs)
    assert len({r.astimezone(BERLIN).date() for r in runs}) == len(runs) == 8
    broken = [e for e in world.store.outbox if isinstance(e, StreakBroken)]
    assert [(e.day.isoformat(), e.length_before) for e in broken] == [("2026-03-31", 6)]
