"""The delivery part: how notifications leave the system (push; email lives with identity).

``push``: ``log`` (the embedded default, which only logs and says so), ``fcm`` (FCM HTTP v1
with a service account) or ``webpush`` (Web Push with VAPID keys). The FCM and Web Push
adapters are imported only when chosen; their HTTP clients are closed with the app.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import providers

from adapters.memory.clock import SystemClock
from adapters.push.log import LogPushSender
from apps.container.platform import OpenClients, Platform
from apps.settings import Settings


def _fcm_sender(settings: Settings, clients: OpenClients) -> Any:
    from adapters.push.fcm import FcmPushSender

    return clients.keep(
        FcmPushSender.from_service_account_file(
            settings.fcm_service_account_file,
            project_id=settings.fcm_project_id or None,
            timeout=settings.push_timeout_seconds,
        )
    )


def _webpush_sender(settings: Settings, clients: OpenClients) -> Any:
    from adapters.push.webpush import WebPushSender

    return clients.keep(
        WebPushSender.from_private_key(
            settings.vapid_private_key,
            settings.vapid_subject,
            timeout=settings.push_timeout_seconds,
            clock=SystemClock(),
        )
    )


class DeliveryPart(Platform):
    """Push senders, chosen by ``QUESTLOG_PUSH``."""

    #: push notifications (``push``): log (the embedded default), FCM or Web Push
    push_sender = providers.Selector(
        Platform.config.push,
        log=providers.Singleton(LogPushSender),
        fcm=providers.Singleton(_fcm_sender, Platform.settings, Platform.open_clients),
        webpush=providers.Singleton(_webpush_sender, Platform.settings, Platform.open_clients),
    )


__all__ = ["DeliveryPart"]
