"""The ``EmailSender`` port in process: records what would have been sent.

Other tests read ``sent`` to find, say, the password-reset link. Messages are validated and
composed exactly as the real senders do, so a message recorded here would be accepted there.
"""

from __future__ import annotations

import email.message

from adapters.email.message import DEFAULT_SENDER, compose, parse_address
from questlog_core.ports.platform import EmailMessage


class InMemoryEmailSender:
    """Keeps every sent message in ``sent`` (port messages) and ``mime`` (what would go out)."""

    def __init__(self, *, sender: str = DEFAULT_SENDER) -> None:
        parse_address(sender, "sender")
        self.sender = sender
        self.sent: list[EmailMessage] = []
        self.mime: list[email.message.EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        """Validate, compose and record the message."""
        self.mime.append(compose(message, self.sender))
        self.sent.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``, oldest first."""
        return [m for m in self.sent if parse_address(m.to)[1] == parse_address(address)[1]]

    @property
    def last(self) -> EmailMessage:
        """The most recent message (``IndexError`` if none was sent)."""
        return self.sent[-1]

    def clear(self) -> None:
        """Forget everything sent so far."""
        self.sent.clear()
        self.mime.clear()


__all__ = ["InMemoryEmailSender"]
