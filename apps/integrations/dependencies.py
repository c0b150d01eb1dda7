"""The integrations service's dependencies, read from the container in app state.

Each integration (calendar feeds, webhooks) adds its providers to :data:`DEPENDENCIES`.
"""

from __future__ import annotations

from litestar.di import Provide

#: the dependencies of the integrations controllers
DEPENDENCIES: dict[str, Provide] = {}
