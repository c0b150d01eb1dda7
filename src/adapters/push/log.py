"""The embedded-default push sender: it logs each message and sends nothing.

``questlog serve`` on a laptop has no FCM project and no VAPID keys; this sender lets the
notification service run its push channel end to end and shows, in the log, what would have
gone out. Its receipts say ``sent=False``, and every log line says "not sent".
"""

from __future__ import annotations

import logging

from adapters.push.message import check_push_message
from questlog_core.ports.platform import PushMessage, PushReceipt

LOG_LABEL = "[questlog log push — not sent]"
_DEFAULT_LOGGER = logging.getLogger("questlog.push")


class LogPushSender:
    """Validates like a real sender, then logs the message at INFO on ``logger``."""

    provider = "log"

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._logger = logger or _DEFAULT_LOGGER

    async def send(self, message: PushMessage) -> PushReceipt:
        """Log the message (QUESTLOG_PUSH=log: nothing reaches a device)."""
        check_push_message(message, self.provider)
        self._logger.info(
            "%s to device %s…: %s — %s %s",
            LOG_LABEL,
            message.device_token[:12],  # a prefix identifies the device without the secret
            message.title,
            message.body,
            message.data or "",
        )
        return PushReceipt(provider=self.provider, sent=False)


__all__ = ["LOG_LABEL", "LogPushSender"]
