"""Push senders that deliver nothing: the embedded default and the tests' recorder.

:class:`LoggingPushSender` writes each push as one log line labelled "not sent" (a laptop has
no FCM project); :class:`RecordingPushSender` keeps them in a list and can be told which
tokens a provider would refuse for good, so the delivery rules can be tested without one.
"""

from __future__ import annotations

import logging

from questlog_core.errors import DeliveryFailed
from questlog_core.ports.platform import PushMessage

log = logging.getLogger("questlog.push")


class LoggingPushSender:
    """Logs each push ("[questlog log push — not sent]"); nothing reaches a device."""

    async def send(self, message: PushMessage) -> None:
        log.info(
            "[questlog log push — not sent] to …%s: %s — %s",
            message.device_token[-6:],
            message.title,
            message.body,
        )


class RecordingPushSender:
    """Keeps every push; tokens in ``unregistered`` fail as a provider's permanent error."""

    def __init__(self) -> None:
        self.sent: list[PushMessage] = []
        self.unregistered: set[str] = set()

    async def send(self, message: PushMessage) -> None:
        if message.device_token in self.unregistered:
            raise DeliveryFailed(
                "push", "recording", "UNREGISTERED", retryable=False, status=404, target_gone=True
            )
        self.sent.append(message)


__all__ = ["LoggingPushSender", "RecordingPushSender"]
