"""Request and response bodies of the integrations service, built from the use cases' results
(``from_domain``), so the published contract changes only when this file does."""

from __future__ import annotations

import msgspec


class IntegrationKindOut(msgspec.Struct, frozen=True, kw_only=True):
    """One kind of integration this deployment offers."""

    name: str
    description: str
    #: where its resources live
    path: str


class IntegrationsOut(msgspec.Struct, frozen=True, kw_only=True):
    """The kinds of integration offered, in a stable order."""

    items: list[IntegrationKindOut]
