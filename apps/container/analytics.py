"""The analytics part: the analytics service's recorded product events (fed by the other
services' events; its own tables on SQL)."""

from __future__ import annotations

from apps.container.platform import Platform


class AnalyticsPart(Platform):
    """Recording product events and reading them back (see the module docstring)."""


__all__ = ["AnalyticsPart"]
