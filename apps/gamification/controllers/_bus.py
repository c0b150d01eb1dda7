"""The game's message bus for the gamification controllers (``bus: GameBus``)."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.gamification.bootstrap import bootstrap
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.kernel.bus import MessageBus


def provide_game_bus(state: State) -> MessageBus[GamificationUnitOfWork]:
    """The game's bus, bootstrapped once per app from the container's ports: commands get a
    writing unit of work, queries a read-only one (no SQLite write lock)."""
    bus: MessageBus[GamificationUnitOfWork] | None = getattr(state, "game_bus", None)
    if bus is None:
        container = container_of(state)
        bus = bootstrap(
            unit_of_work=container.game_uow,
            reader=container.game_reader_uow,
            clock=container.clock(),
            ids=container.ids(),
        )
        state.game_bus = bus
    return bus


#: the game bus, as a handler parameter (``bus: GameBus``)
GameBus = NamedDependency[SkipValidation[MessageBus[GamificationUnitOfWork]]]
#: the gamification controllers' dependencies: ``bus``
GAME_BUS: dict[str, Provide] = {"bus": Provide(provide_game_bus, sync_to_thread=False)}
