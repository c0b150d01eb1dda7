"""The service registry: one declaration per Questlog service, read by everything that needs
the list.

Each :class:`Service` names what the service is made of: its Litestar app factory and route
handlers (``apps/<name>/``), the consumer its worker runs (:mod:`apps.workers.consumers`), the
SQL tables it owns (the :class:`~adapters.sql.tables.base.TableGroup` of
``adapters/sql/tables/<name>.py``), its committed OpenAPI document
(``contracts/openapi/<name>.json``), the domain events it publishes and consumes, and the parts
of the dependency-injection container it needs (:mod:`apps.container`).

Who reads it: the all-in-one gateway (which routers to mount), ``questlog serve SERVICE`` and
``questlog worker SERVICE`` (their choices, and what to build), the contracts generator, the
engine and the migrations (which schemas and tables), the dead-letter store, and the tests that
walk every service. Adding a service is one entry in :data:`SERVICES` (plus its package, its
table module and, for new tables, a migration: a new service's begins with
:func:`adapters.sql.migrations.service_schema.create_service_schema`).

Everything a service is made of is named by import path and loaded on first use, so importing
this module is cheap (the CLI builds its argument choices from it) and serving one service
never imports another's package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ControllerRouterHandler

    from adapters.sql.tables.base import TableGroup
    from apps.settings import Settings
    from apps.workers.consumers import Consumer
    from questlog_core.events import DomainEvent

#: where the committed contracts live (``contracts/openapi/<service>.json``)
CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"


def load(path: str) -> Any:
    """The object at ``"package.module:attribute"`` (or the module, without ``:``)."""
    module_name, _, attribute = path.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


@dataclass(frozen=True, kw_only=True)
class Service:
    """One deployable service: what it serves, runs, owns, publishes and needs."""

    #: the service's name: its package ``apps/<name>``, its schema, its CLI argument
    name: str
    #: ``"module:factory"`` of its Litestar app (``questlog serve NAME``); ``None`` while the
    #: service has no HTTP API yet
    app: str | None = None
    #: ``"module:ROUTES"``: its route handlers, mounted by its app and by the all-in-one; or
    #: ``"module:function"`` building them from the settings (the web client's pages)
    routes: str | None = None
    #: ``"module:GROUP"``: the SQL tables it owns (its schema on PostgreSQL); ``None`` for a
    #: service that owns no state (the web client)
    tables: str | None = None
    #: ``"module:CONSUMER"``: the consumer ``questlog worker NAME`` runs, if it consumes events
    consumer: str | None = None
    #: modules whose event types the service publishes (through its outbox)
    publishes: tuple[str, ...] = ()
    #: the parts of the container it needs (see :data:`apps.container.PARTS`)
    parts: tuple[str, ...] = ()
    #: ``"module:function"`` that plugs what only the service knows into its container part
    #: (called with the container by :func:`apps.container.build_container`)
    providers: str | None = None

    @property
    def contract(self) -> Path:
        """Its committed OpenAPI document."""
        return CONTRACTS / "openapi" / f"{self.name}.json"

    @property
    def serves_http(self) -> bool:
        """Whether it has an HTTP API (an app and routes)."""
        return self.app is not None

    def create_app(self, settings: Settings | None = None) -> Litestar:
        """Its Litestar app (imports its package now)."""
        if self.app is None:
            raise LookupError(f"the {self.name} service has no HTTP API yet")
        factory: Callable[[Settings | None], Litestar] = load(self.app)
        return factory(settings)

    def route_handlers(self, settings: Settings | None = None) -> list[ControllerRouterHandler]:
        """Its route handlers (none while it has no HTTP API)."""
        if self.routes is None:
            return []
        routes = load(self.routes)
        if callable(routes):  # built from the settings
            from apps.settings import Settings

            return list(routes(settings or Settings.from_env()))
        return list(routes)

    def table_group(self) -> TableGroup | None:
        """The SQL tables it owns (imports its table module, which declares them)."""
        if self.tables is None:
            return None
        group: TableGroup = load(self.tables)
        return group

    def consumer_of_events(self) -> Consumer | None:
        """The consumer its worker runs, if any."""
        return None if self.consumer is None else load(self.consumer)

    def published_events(self) -> list[type[DomainEvent]]:
        """The event types it publishes: those defined in its :attr:`publishes` modules."""
        from questlog_core.events import DomainEvent

        found: list[type[DomainEvent]] = []
        for module_name in self.publishes:
            module = load(module_name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, DomainEvent)
                    and value.__module__ == module.__name__
                    and value.__struct_config__.tag is not None
                ):
                    found.append(value)
        return sorted(found, key=lambda cls: cls.type_name())

    def consumed_events(self) -> list[type[DomainEvent]]:
        """The event types its consumer takes (none without a consumer)."""
        consumer = self.consumer_of_events()
        return [] if consumer is None else list(consumer.events)


#: Every service, in the order the all-in-one mounts them.
SERVICES: tuple[Service, ...] = (
    Service(
        name="auth",
        app="apps.auth.app:create_app",
        routes="apps.auth.routes:ROUTES",
        tables="adapters.sql.tables.auth:GROUP",
        consumer="apps.workers.consumers:AUTH",
        publishes=("questlog_core.identity.events",),
        parts=("identity",),
    ),
    Service(
        name="quest",
        app="apps.quest.app:create_app",
        routes="apps.quest.routes:ROUTES",
        tables="adapters.sql.tables.quest:GROUP",
        consumer="apps.workers.consumers:QUEST",
        publishes=("questlog_core.quests.events",),
        parts=("identity", "quests"),
        providers="apps.quest.reads:provide",
    ),
    Service(
        name="gamification",
        app="apps.gamification.app:create_app",
        routes="apps.gamification.routes:ROUTES",
        tables="adapters.sql.tables.gamification:GROUP",
        consumer="apps.workers.consumers:GAMIFICATION",
        publishes=("questlog_core.gamification.events",),
        parts=("identity", "gamification"),
    ),
    Service(
        name="notification",
        app="apps.notification.app:create_app",
        routes="apps.notification.routes:ROUTES",
        tables="adapters.sql.tables.notification:GROUP",
        consumer="apps.workers.consumers:NOTIFICATION",
        publishes=("questlog_core.notifications.events",),
        # identity: token verification and the email sender; delivery: the push sender
        parts=("identity", "delivery", "notification"),
        providers="apps.container.notification:provide",
    ),
    # The browser client's pages: they call the other services' APIs like any client, and own
    # no tables, events or consumers.
    Service(
        name="web",
        app="apps.web.app:create_app",
        routes="apps.web.routes:routes_for",
        parts=("identity",),
    ),
    Service(
        name="ai",
        app="apps.ai.app:create_app",
        routes="apps.ai.routes:ROUTES",
        tables="adapters.sql.tables.ai:GROUP",
        consumer="apps.workers.consumers:AI",
        publishes=("questlog_core.ai.events",),
        parts=("identity", "ai"),
    ),
    Service(
        name="search",
        app="apps.search.app:create_app",
        routes="apps.search.routes:ROUTES",
        tables="adapters.sql.tables.search:GROUP",
        consumer="apps.workers.consumers:SEARCH",
        parts=("identity", "search"),
    ),
    Service(
        name="integrations",
        app="apps.integrations.app:create_app",
        routes="apps.integrations.routes:ROUTES",
        tables="adapters.sql.tables.integrations:GROUP",
        consumer="apps.workers.consumers:INTEGRATIONS",
        parts=("identity", "integrations", "calendar"),
    ),
    Service(
        name="analytics",
        app="apps.analytics.app:create_app",
        routes="apps.analytics.routes:ROUTES",
        tables="adapters.sql.tables.analytics:GROUP",
        consumer="apps.workers.consumers:ANALYTICS",
        parts=("identity", "analytics", "experiments"),
    ),
)


def names() -> list[str]:
    """Every service's name, in registry order."""
    return [s.name for s in SERVICES]


def service(name: str) -> Service:
    """The service called ``name`` (``LookupError`` for an unknown one)."""
    for candidate in SERVICES:
        if candidate.name == name:
            return candidate
    raise LookupError(f"unknown service {name!r}; one of {names()}")


def chosen(selected: Iterable[str] | None = None) -> list[Service]:
    """The services named in ``selected`` (default: every one), in registry order."""
    if selected is None:
        return list(SERVICES)
    wanted = set(selected)
    unknown = wanted - set(names())
    if unknown:
        raise LookupError(f"unknown services {sorted(unknown)}; one of {names()}")
    return [s for s in SERVICES if s.name in wanted]


def table_groups(selected: Iterable[str] | None = None) -> list[TableGroup]:
    """The SQL table groups of the selected services (default: every one)."""
    return [g for s in chosen(selected) if (g := s.table_group()) is not None]


def schemas(selected: Iterable[str] | None = None) -> list[str]:
    """The SQL schemas of the selected services (default: every one)."""
    return [g.schema for g in table_groups(selected)]


def container_parts(selected: Iterable[str] | None = None) -> list[str]:
    """The container parts the selected services need, once each, in registry order."""
    return list(dict.fromkeys(p for s in chosen(selected) for p in s.parts))


def consumers(selected: Iterable[str] | None = None) -> dict[str, Consumer]:
    """The consumers of the selected services (default: every one), by service name."""
    found: dict[str, Consumer] = {}
    for s in chosen(selected):
        consumer = s.consumer_of_events()
        if consumer is not None:
            found[s.name] = consumer
    return found


def event_types() -> dict[str, type[DomainEvent]]:
    """Every event type a service publishes, by tag (each tag once)."""
    found: dict[str, type[DomainEvent]] = {}
    for s in SERVICES:
        for cls in s.published_events():
            existing = found.setdefault(cls.type_name(), cls)
            if existing is not cls:
                raise RuntimeError(f"two services publish {cls.type_name()}")
    return dict(sorted(found.items()))


def with_http(selected: Sequence[str] | None = None) -> list[Service]:
    """The selected services that have an HTTP API."""
    return [s for s in chosen(selected) if s.serves_http]


def with_state() -> list[str]:
    """The services that own tables (an outbox to relay, an inbox to consume into): what
    ``questlog worker`` and the all-in-one's in-process worker cover."""
    return [s.name for s in SERVICES if s.tables is not None]


__all__ = [
    "CONTRACTS",
    "SERVICES",
    "Service",
    "chosen",
    "consumers",
    "container_parts",
    "event_types",
    "load",
    "names",
    "schemas",
    "service",
    "table_groups",
    "with_http",
    "with_state",
]
