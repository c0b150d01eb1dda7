"""The notification part: the service's units of work, its unsubscribe links and its outlets.

Notifications leave through the identity part's email sender and the delivery part's push
sender (the registry lists both parts for the service); :func:`provide` plugs them into this
part's :attr:`NotificationPart.notification_outlets` once the container is composed, since one
part does not import another.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from dependency_injector import providers

from adapters.memory.notifications import InMemoryNotificationStore, InMemoryNotificationUnitOfWork
from adapters.sql.notifications import SqlNotificationUnitOfWork
from apps.container.platform import Platform
from apps.settings import Settings
from questlog_core.notifications.model import Notification
from questlog_core.notifications.unsubscribe import UnsubscribeLinks
from questlog_core.notifications.use_cases import Outlets

#: where unsubscribe links point (the notification service's public route)
UNSUBSCRIBE_PATH = "/api/v1/notifications/unsubscribe"


def notification_link_key(settings: Settings) -> bytes:
    """The key that signs unsubscribe links: kept in a file, made once (see the setting)."""
    path = Path(
        settings.notification_link_key_path
        or Path(settings.jwt_private_key_path).parent / "notification-links.key"
    )
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and linked into place: of several processes starting at once, exactly one
    # key wins and every process reads that one (a half-written file is never seen).
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    draft.write_bytes(secrets.token_bytes(32))
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_bytes()


def make_notification_outlets(
    email: Any, push: Any, links: UnsubscribeLinks, public_url: str
) -> Outlets:
    """Where queued notifications go, and the unsubscribe link each email carries."""
    base = public_url.rstrip("/") + UNSUBSCRIBE_PATH

    def unsubscribe_url(notification: Notification) -> str:
        return f"{base}?token={links.token(notification.user, notification.kind)}"

    return Outlets(email=email, push=push, unsubscribe_url=unsubscribe_url)


class NotificationPart(Platform):
    """Notifications, deliveries, schedules, preferences and devices (see the module
    docstring)."""

    notification_store = providers.Singleton(InMemoryNotificationStore)
    notification_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryNotificationUnitOfWork, store=notification_store),
        sql=providers.Factory(
            SqlNotificationUnitOfWork, engine=Platform.engine, clock=Platform.clock
        ),
    )
    unsubscribe_links = providers.Singleton(
        UnsubscribeLinks, providers.Callable(notification_link_key, Platform.settings)
    )
    #: the email and push senders with the unsubscribe links (plugged in by :func:`provide`)
    notification_outlets: providers.Dependency[Outlets] = providers.Dependency()


def provide(container: Any) -> None:
    """Plug the identity part's email sender and the delivery part's push sender into the
    notification part's outlets (the registry's ``providers`` of the notification service)."""
    container.notification_outlets.override(
        providers.Singleton(
            make_notification_outlets,
            container.email_sender,
            container.push_sender,
            container.unsubscribe_links,
            container.config.public_url,
        )
    )


__all__ = [
    "UNSUBSCRIBE_PATH",
    "NotificationPart",
    "make_notification_outlets",
    "notification_link_key",
    "provide",
]
