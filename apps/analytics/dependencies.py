"""The analytics service's dependencies, read from the container in app state."""

from __future__ import annotations

from litestar.di import Provide

#: the dependencies of the analytics controllers
DEPENDENCIES: dict[str, Provide] = {}
