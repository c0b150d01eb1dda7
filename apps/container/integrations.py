"""The integrations part: calendar feeds and webhooks (their own tables on SQL), fed by the
quest and game services' events.

Webhooks reach out through :mod:`adapters.webhooks`: the system resolver (asked anew before
every attempt) and one httpx client (closed with the container), with the timeout and the
private-address policy of the settings (``QUESTLOG_WEBHOOK_*``).
"""

from __future__ import annotations

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import SystemClock
from adapters.memory.integrations import (
    InMemoryIntegrationsStore,
    InMemoryIntegrationsUnitOfWork,
)
from adapters.sql.integrations import SqlIntegrationsUnitOfWork
from adapters.webhooks import HttpxWebhookSender, SystemResolver
from apps.container.platform import OpenClients, Platform
from apps.settings import Settings
from questlog_core.integrations.use_cases import WebhookPolicy


def reading_integrations_uow(engine: AsyncEngine, clock: SystemClock) -> SqlIntegrationsUnitOfWork:
    """An integrations unit of work for queries only (it cannot commit)."""
    return SqlIntegrationsUnitOfWork(engine, clock).reading()


def _webhook_sender(settings: Settings, clients: OpenClients) -> HttpxWebhookSender:
    sender = HttpxWebhookSender(settings.webhook_timeout_seconds)
    clients.keep(sender)
    return sender


def _webhook_policy(settings: Settings) -> WebhookPolicy:
    return WebhookPolicy(allow_private=settings.webhook_allow_private)


class IntegrationsPart(Platform):
    """Calendar feeds and webhooks (see the module docstring)."""

    #: the integrations state in memory (``memory://``)
    integrations_store = providers.Singleton(InMemoryIntegrationsStore)
    #: queries only
    integrations_reader_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryIntegrationsUnitOfWork, store=integrations_store),
        sql=providers.Factory(
            reading_integrations_uow, engine=Platform.engine, clock=Platform.clock
        ),
    )
    #: commands and the consumer
    integrations_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryIntegrationsUnitOfWork, store=integrations_store),
        sql=providers.Factory(
            SqlIntegrationsUnitOfWork, engine=Platform.engine, clock=Platform.clock
        ),
    )
    #: where a webhook's host is resolved, before registration and every attempt
    webhook_resolver = providers.Singleton(SystemResolver)
    #: what POSTs webhooks
    webhook_sender = providers.Singleton(_webhook_sender, Platform.settings, Platform.open_clients)
    #: whether private addresses may be reached (``QUESTLOG_WEBHOOK_ALLOW_PRIVATE``)
    webhook_policy = providers.Singleton(_webhook_policy, Platform.settings)


__all__ = ["IntegrationsPart", "reading_integrations_uow"]
