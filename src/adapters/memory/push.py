"""The ``PushSender`` port in process: records what would have been sent.

Tests of the notification service read ``sent``; ``reject`` makes a token behave like an
uninstalled app (``PushTokenRejected``) and ``fail_next`` like a push service that is briefly
down, so retry and device-deactivation rules can be tested without a network.
"""

from __future__ import annotations

from adapters.push.message import check_push_message
from questlog_core.errors import DeliveryFailed, PushTokenRejected
from questlog_core.ports.platform import PushMessage, PushReceipt


class InMemoryPushSender:
    """Keeps every accepted message in ``sent``, oldest first."""

    provider = "memory"

    def __init__(self) -> None:
        self.sent: list[PushMessage] = []
        self._rejected: set[str] = set()
        self._failures: list[DeliveryFailed] = []

    async def send(self, message: PushMessage) -> PushReceipt:
        """Validate, then record the message or raise the failure arranged for it."""
        check_push_message(message, self.provider)
        if message.device_token in self._rejected:
            raise PushTokenRejected(self.provider, message.device_token, "token unregistered")
        if self._failures:
            raise self._failures.pop(0)
        self.sent.append(message)
        return PushReceipt(provider=self.provider, sent=True, message_id=str(len(self.sent)))

    def reject(self, device_token: str) -> None:
        """From now on, sending to ``device_token`` raises ``PushTokenRejected``."""
        self._rejected.add(device_token)

    def fail_next(self, retry_after_seconds: float | None = None) -> None:
        """The next send raises a retryable ``DeliveryFailed`` (a push-service outage)."""
        self._failures.append(
            DeliveryFailed(
                "push",
                self.provider,
                "service unavailable",
                retryable=True,
                status=503,
                retry_after_seconds=retry_after_seconds,
            )
        )

    def to(self, device_token: str) -> list[PushMessage]:
        """The messages sent to ``device_token``, oldest first."""
        return [m for m in self.sent if m.device_token == device_token]


__all__ = ["InMemoryPushSender"]
