"""``GET /api/v1/integrations``: the integrations this deployment offers, and where each lives."""

from __future__ import annotations

from litestar import Controller, get

from apps.http.permissions import requires
from apps.integrations.controllers import INTEGRATIONS_PATH, KINDS
from apps.integrations.schemas import IntegrationKindOut, IntegrationsOut
from questlog_core.identity.rbac import Permission


class IntegrationsController(Controller):
    path = INTEGRATIONS_PATH
    tags = ["integrations"]

    @get("/", **requires(Permission.INTEGRATIONS_READ))
    async def overview(self) -> IntegrationsOut:
        """The kinds of integration offered here: each one's name, what it does, its path."""
        return IntegrationsOut(
            items=[
                IntegrationKindOut(name=name, description=description, path=path)
                for name, description, path in KINDS
            ]
        )
