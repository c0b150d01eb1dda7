"""The gamification part: the game's units of work and, with ``leaderboard=redis``, the Redis
board they project to after commit (rebuilt from the SQL ledger)."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.leaderboards import ProjectedGamificationUnitOfWork
from adapters.memory.clock import SystemClock
from adapters.memory.gamification import InMemoryGamificationStore, InMemoryGamificationUnitOfWork
from adapters.sql.gamification import SqlGamificationUnitOfWork
from apps.container.platform import Platform


def reading_gamification_uow(engine: AsyncEngine, clock: SystemClock) -> SqlGamificationUnitOfWork:
    """A game unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlGamificationUnitOfWork(engine, clock).reading()


def _board_projection(client: Any, keys: Any, engine: AsyncEngine) -> Any:
    from adapters.leaderboards import BoardProjection
    from adapters.redis.leaderboard import RedisLeaderboard
    from adapters.sql.gamification import SqlBoardSource

    return BoardProjection(RedisLeaderboard(client, keys, source=SqlBoardSource(engine)))


class GamificationPart(Platform):
    """XP, levels, streaks, achievements and boards (see the module docstring)."""

    game_store = providers.Singleton(InMemoryGamificationStore)
    #: ``leaderboard=redis``: the process's Redis board, rebuilt from the SQL ledger
    board_projection = providers.Singleton(
        _board_projection, Platform.redis, Platform.redis_keys, Platform.engine
    )
    _game_reader = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryGamificationUnitOfWork, store=game_store),
        sql=providers.Factory(
            reading_gamification_uow, engine=Platform.engine, clock=Platform.clock
        ),
    )
    _game_writer = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryGamificationUnitOfWork, store=game_store),
        sql=providers.Factory(
            SqlGamificationUnitOfWork, engine=Platform.engine, clock=Platform.clock
        ),
    )
    #: the game's units of work for queries (GET): no SQLite write lock, never commit
    game_reader_uow = providers.Selector(
        Platform.config.leaderboard,
        sql=_game_reader,
        redis=providers.Factory(ProjectedGamificationUnitOfWork, _game_reader, board_projection),
    )
    #: every game use case that writes, the quest-event consumers included (with
    #: ``leaderboard=redis`` they must feed the Redis board too, so they take this one)
    game_uow = providers.Selector(
        Platform.config.leaderboard,
        sql=_game_writer,
        redis=providers.Factory(ProjectedGamificationUnitOfWork, _game_writer, board_projection),
    )


__all__ = ["GamificationPart", "reading_gamification_uow"]
