"""Liveness and readiness endpoints shared by every service.

* ``/health`` is **liveness**: the process runs and serves HTTP. It looks at no dependency, so
  an orchestrator never restarts a healthy process because PostgreSQL or Redis is down.
* ``/ready`` is **readiness**: each dependency this service is configured with (database,
  cache, broker) is probed with a short timeout (:mod:`adapters.readiness`), concurrently.
  200 when every part is up; 503 with ``Retry-After`` naming each part that is down, so a
  load balancer stops sending traffic until it recovers. The body lists every part's status.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency

from adapters.outages import DEFAULT_RETRY_AFTER_SECONDS
from adapters.readiness import (
    PartStatus,
    in_process,
    probe_amqp,
    probe_database,
    probe_redis,
    probe_redis_url,
)
from apps.http.permissions import public

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from apps.container import Container
    from apps.settings import Settings


class Health(msgspec.Struct, frozen=True):
    status: str
    service: str


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    """``ready`` or ``degraded``, each part's status, and the names of the parts that are down."""

    status: Literal["ready", "degraded"]
    service: str
    checks: dict[str, PartStatus]
    degraded: list[str]


class HealthController(Controller):
    """``/health`` answers while the process runs; load balancers and tests poll it."""

    path = "/health"
    include_in_schema = False

    @get("/", cache=False, **public())
    async def health(self, service_name: NamedDependency[str]) -> Health:
        return Health(status="ok", service=service_name)

    @get("/hello", cache=False, **public())
    async def hello(self) -> str:
        """The cheapest possible endpoint: the baseline of the HTTP benchmarks."""
        return "hello"


async def _database(container: Container) -> PartStatus:
    engine = container.engine()
    return in_process("memory") if engine is None else await probe_database(engine)


async def _cache(container: Container, settings: Settings) -> PartStatus:
    if settings.cache != "redis":
        return in_process(settings.cache)
    return await probe_redis(container.redis())


async def _broker(settings: Settings) -> PartStatus:
    if settings.broker == "redis":
        return await probe_redis_url(settings.redis_url)
    if settings.broker == "rabbitmq":
        return await probe_amqp(settings.amqp_url)
    return in_process(settings.broker)


async def check_readiness(container: Container, settings: Settings) -> dict[str, PartStatus]:
    """Every configured dependency's status, probed concurrently."""
    probes: dict[str, Awaitable[PartStatus]] = {
        "database": _database(container),
        "cache": _cache(container, settings),
        "broker": _broker(settings),
    }
    results = await asyncio.gather(*probes.values())
    return dict(zip(probes, results, strict=True))


class ReadinessController(Controller):
    """``/ready``: 200 when the database, cache and broker answer, else 503 naming each part
    that does not (see the module docstring)."""

    path = "/ready"
    include_in_schema = False

    @get("/", cache=False, **public())
    async def ready(self, state: State, service_name: NamedDependency[str]) -> Response[Any]:
        checks = await check_readiness(state.container, state.settings)
        degraded = [name for name, part in checks.items() if part.status != "up"]
        body = Readiness(
            status="degraded" if degraded else "ready",
            service=service_name,
            checks=checks,
            degraded=degraded,
        )
        if degraded:
            return Response(
                body,
                status_code=503,
                headers={"Retry-After": str(DEFAULT_RETRY_AFTER_SECONDS)},
            )
        return Response(body, status_code=200)
