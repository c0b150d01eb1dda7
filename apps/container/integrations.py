"""The integrations part: calendar feeds and webhooks (their own tables on SQL), fed by the
quest and game services' events."""

from __future__ import annotations

from apps.container.platform import Platform


class IntegrationsPart(Platform):
    """Calendar feeds and webhooks (see the module docstring)."""


__all__ = ["IntegrationsPart"]
