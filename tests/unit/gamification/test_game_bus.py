"""The game's bus, as bootstrapped for the HTTP controllers: each command and query reaches its
use case with the ports injected, queries on the read-only unit of work."""

from __future__ import annotations

from questlog_core.gamification.bootstrap import bootstrap
from questlog_core.gamification.leaderboards import Board
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.use_cases import messages as game
from questlog_core.gamification.use_cases.awards import AwardXp

from .world import ALICE, GameWorld


class Counting:
    def __init__(self, world: GameWorld) -> None:
        self.world = world
        self.made = 0

    def __call__(self) -> GamificationUnitOfWork:
        self.made += 1
        return self.world.uow()


async def test_commands_write_and_queries_read_through_the_bus() -> None:
    w = GameWorld()
    writer, reader = Counting(w), Counting(w)
    bus = bootstrap(unit_of_work=writer, reader=reader, clock=w.clock, ids=w.ids)

    outcome = await bus.handle(AwardXp(user=ALICE, amount=40, reason="bug bounty"))
    assert outcome.created
    await bus.handle(game.SetDisplayName(user=ALICE, display_name="Ada"))
    assert (writer.made, reader.made) == (2, 0)

    profile = await bus.handle(game.GetPlayerProfile(user=ALICE))
    ledger = await bus.handle(game.GetLedgerPage(user=ALICE))
    board = await bus.handle(game.GetBoardPage(user=ALICE, board=Board.ALL_TIME))
    assert profile.total_xp == 40
    assert [e.amount for e in ledger.items] == [40]
    assert board.me is not None
    assert board.me.display_name == "Ada"
    assert (writer.made, reader.made) == (2, 3)


async def test_every_game_message_has_a_handler_and_queries_are_marked() -> None:
    w = GameWorld()
    bus = bootstrap(unit_of_work=w.uow, clock=w.clock, ids=w.ids)
    for message_type in game.handlers(w.clock, w.ids):
        assert bus.handles(message_type), message_type
    assert game.GetStreak in game.QUERIES
    assert game.CheckInYesterday not in game.QUERIES
