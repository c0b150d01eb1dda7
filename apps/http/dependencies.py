"""The bridge from the dependency-injector container to Litestar's ``Provide``.

The container lives in ``app.state.container``. Each provider function below reads one port
from it; handlers declare the port by parameter name and type and never import
dependency_injector (whose ``@inject``/``Provide[...]`` Litestar would take for a query
parameter). The aliases mark each as a named dependency, which Litestar injects as given
(ports are ``Protocol``s, which it could not validate anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from adapters.caching import CachedQuestReads
from questlog_core.errors import AuthenticationFailed
from questlog_core.identity.tokens import Principal
from questlog_core.notifications.ports import NotificationUnitOfWork
from questlog_core.notifications.unsubscribe import UnsubscribeLinks
from questlog_core.ports.gamification import GamificationUnitOfWork
from questlog_core.ports.identity import Authenticator
from questlog_core.ports.platform import Cache, Clock, FileStorage, IdFactory
from questlog_core.ports.quests import QuestUnitOfWork

if TYPE_CHECKING:
    from apps.container import Container

#: GET one quest through the read-aside cache (the quest service types what it holds:
#: ``apps.quest.reads.QuestReadsDep``; the shared edge only hands it over)
QuestReads = CachedQuestReads[Any]


def container_of(state: State) -> Container:
    container: Container = state.container
    return container


def provide_clock(state: State) -> Clock:
    return container_of(state).clock()


def provide_ids(state: State) -> IdFactory:
    return container_of(state).ids()


#: methods that only read: their handlers get a read-only unit of work
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def provide_quest_uow(request: Request[Any, Any, Any], state: State) -> QuestUnitOfWork:
    """A read-only unit of work for a safe method (no SQLite write lock), else one that
    writes and, on commit, invalidates the cached quest reads of the owners it wrote."""
    container = container_of(state)
    uow: QuestUnitOfWork = (
        container.quest_reader_uow() if request.method in SAFE_METHODS else container.quest_uow()
    )
    return uow


def provide_game_uow(request: Request[Any, Any, Any], state: State) -> GamificationUnitOfWork:
    """The game's unit of work: read-only for a safe method (no SQLite write lock)."""
    container = container_of(state)
    uow: GamificationUnitOfWork = (
        container.game_reader_uow() if request.method in SAFE_METHODS else container.game_uow()
    )
    return uow


def provide_notification_uow(state: State) -> NotificationUnitOfWork:
    uow: NotificationUnitOfWork = container_of(state).notification_uow()
    return uow


def provide_unsubscribe_links(state: State) -> UnsubscribeLinks:
    return container_of(state).unsubscribe_links()


# The read caches are asked for only by signed-in handlers, so their providers take ``user``
# (unused): Litestar then resolves ``user`` and the cache one after the other. Independent
# dependencies of one handler are resolved concurrently in an anyio task group, which costs
# more per request (~200 µs in-process for GET one quest) than the dependencies themselves.


def provide_quest_reads(state: State, user: SkipValidation[Principal]) -> QuestReads:
    reads: QuestReads = container_of(state).quest_reads()
    return reads


def provide_file_storage(state: State) -> FileStorage:
    storage: FileStorage = container_of(state).file_storage()
    return storage


def provide_cache(state: State) -> Cache:
    cache: Cache = container_of(state).cache()
    return cache


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The token of an ``Authorization: Bearer`` header, or 401."""
    header = connection.headers.get("authorization")
    if not header:
        raise AuthenticationFailed("missing bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("expected an 'Authorization: Bearer <token>' header")
    return token.strip()


#: route ``opt`` key: a :data:`ReadAheadKeys` function naming the cache keys the route reads
READ_AHEAD = "read_ahead"
#: the logical cache keys a route will read for the signed-in ``owner``
ReadAheadKeys = Callable[[Request[Any, Any, Any], UUID], Sequence[str]]


def quest_read_ahead(request: Request[Any, Any, Any], owner: UUID) -> Sequence[str]:
    """GET one quest reads these cache keys (``quest_id`` from the path)."""
    reads: QuestReads = container_of(request.app.state).quest_reads()
    return reads.keys(owner, request.path_params["quest_id"])


def _declare_read_ahead(
    connection: ASGIConnection[Any, Any, Any, Any], container: Container
) -> None:
    """On Redis, let the revocation lookup fetch the route's cache keys in the same round
    trip (see :mod:`adapters.redis.read_ahead`); nothing to gain from the in-process cache.

    Only for a handler whose dependencies Litestar resolves one after the other (user, then
    the cache): one resolved concurrently runs in a task of its own, where the read-ahead
    (bound to the request's task) is not used, and the read simply takes its own trip."""
    keys_of: ReadAheadKeys | None = connection.route_handler.opt.get(READ_AHEAD)
    if keys_of is None:
        return
    cache = container.cache()
    full_keys = getattr(cache, "full_keys", None)
    if full_keys is None:
        return
    from adapters.redis.read_ahead import read_ahead

    request: Request[Any, Any, Any] = connection  # type: ignore[assignment]
    read_ahead(lambda subject: full_keys(*keys_of(request, UUID(subject))))


async def authenticated(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """Who is calling, from a verified access or API token (401 otherwise), verified once per
    request: the permission guard asks first, the ``user`` dependency reuses its answer."""
    state = connection.scope.setdefault("state", {})
    cached = state.get("principal")
    if isinstance(cached, Principal):
        return cached
    container = container_of(connection.app.state)
    _declare_read_ahead(connection, container)
    authenticator: Authenticator = container.authenticator()
    # A read may be checked against the recent local copy of the revocation feed while the
    # feed is unreachable (a bounded grace); anything that changes state fails closed at once.
    reading = connection.scope.get("method") in SAFE_METHODS
    principal = await authenticator.authenticate(bearer_token(connection), reading=reading)
    state["principal"] = principal
    return principal


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """Who is calling (see :func:`authenticated`)."""
    return await authenticated(request)


# Protocol-typed ports cannot be isinstance-checked by the signature model: skip validation.
ClockDep = NamedDependency[SkipValidation[Clock]]
IdsDep = NamedDependency[SkipValidation[IdFactory]]
QuestUowDep = NamedDependency[SkipValidation[QuestUnitOfWork]]
GameUowDep = NamedDependency[SkipValidation[GamificationUnitOfWork]]
FileStorageDep = NamedDependency[SkipValidation[FileStorage]]
CacheDep = NamedDependency[SkipValidation[Cache]]
CurrentUser = NamedDependency[Principal]
NotificationUowDep = NamedDependency[SkipValidation[NotificationUnitOfWork]]
UnsubscribeLinksDep = NamedDependency[SkipValidation[UnsubscribeLinks]]

#: the dependencies every service app registers
DEPENDENCIES: dict[str, Provide] = {
    "clock": Provide(provide_clock, sync_to_thread=False),
    "ids": Provide(provide_ids, sync_to_thread=False),
    "uow": Provide(provide_quest_uow, sync_to_thread=False),
    "game_uow": Provide(provide_game_uow, sync_to_thread=False),
    "quest_reads": Provide(provide_quest_reads, sync_to_thread=False),
    "storage": Provide(provide_file_storage, sync_to_thread=False),
    "cache": Provide(provide_cache, sync_to_thread=False),
    "user": Provide(provide_principal),
    "notification_uow": Provide(provide_notification_uow, sync_to_thread=False),
    "unsubscribe_links": Provide(provide_unsubscribe_links, sync_to_thread=False),
}
