"""Scheduled jobs of the workers. What is due lives in the database; a ticker only asks.

The daily streak rollover: each player's row carries ``next_rollover_at`` (UTC), the moment
their next local day becomes final (their day boundary in their time zone at their day-start
hour, plus the check-in grace). The actor ``gamification.roll_over_streaks`` finalizes every
player whose moment has passed (:func:`questlog_core.gamification.use_cases.roll_over_due_streaks`):
it extends, spends a freeze or breaks the streak, and records ``StreakExtended`` /
``StreakFrozen`` / ``StreakBroken`` with the state in one transaction.

Exactly once per player and day, however many runners: the rollover's bookkeeping is per
local date (a date already finalized is never finalized again), and the player row's version
makes two runners that pick the same player conflict; the loser skips that player (the
winner's rollover is the same one). A runner that stops midway leaves the rest due for the
next tick, so nothing is lost either.

A :class:`~apps.workers.ticker.Ticker` sends that actor a message every
``QUESTLOG_STREAK_ROLLOVER_SECONDS`` from each worker that consumes gamification events,
and from the all-in-one's in-process worker (the stub broker delivers it in the same
process). A late tick changes no outcome: every use case of the game rolls the player over to
``now`` first.
"""

from __future__ import annotations

import logging
from typing import Any

from apps.container import Container
from apps.settings import Settings
from apps.workers.actors import run_on_worker_loop
from apps.workers.broker import queue_name
from apps.workers.ticker import outage_skips_the_tick
from questlog_core.gamification import use_cases as game

log = logging.getLogger(__name__)

#: the actor that rolls over every streak that fell due
ROLL_OVER_STREAKS = "gamification.roll_over_streaks"
#: players rolled over per batch, and batches per run (the rest waits for the next tick)
BATCH = 500
MAX_BATCHES = 20


async def roll_over_due(container: Container) -> int:
    """Roll over every player whose day became final; how many were rolled over."""
    clock, ids = container.clock(), container.ids()
    total = 0
    for _ in range(MAX_BATCHES):
        done = await game.roll_over_due_streaks(container.game_uow, clock, ids, limit=BATCH)
        total += done
        if done < BATCH:
            break
    if total:
        log.info("rolled over the streaks of %d players", total)
    return total


def declare_roll_over_actor(broker: Any, settings: Settings, container: Container) -> Any:
    """Declare ``gamification.roll_over_streaks`` on ``broker`` (on the gamification queue)."""
    import dramatiq

    def roll_over_streaks() -> None:
        with outage_skips_the_tick(ROLL_OVER_STREAKS):
            run_on_worker_loop(roll_over_due(container))

    return dramatiq.actor(
        broker=broker,
        actor_name=ROLL_OVER_STREAKS,
        queue_name=queue_name(settings, "gamification"),
        # the next tick is the retry: a failed run leaves everything due
        max_retries=0,
        time_limit=settings.worker_time_limit_seconds * 1000,
    )(roll_over_streaks)


__all__ = [
    "BATCH",
    "MAX_BATCHES",
    "ROLL_OVER_STREAKS",
    "declare_roll_over_actor",
    "roll_over_due",
]
