"""Liveness and readiness endpoints shared by every service."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency

from apps.http.permissions import public


class Health(msgspec.Struct, frozen=True):
    status: str
    service: str


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
