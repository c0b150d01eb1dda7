"""One place that turns the port's ``EmailMessage`` into an RFC 5322 message, and checks it.

Every sender validates the same way before anything leaves the process: exactly one
recipient address, no CR/LF in headers (header injection), bounded lengths. Invalid input
raises ``ValidationFailed``, so a bad address is a 422 at the edge, not a half-sent mail.
"""

from __future__ import annotations

import email.message
import email.policy
import email.utils
from email.headerregistry import Address

from adapters.memory.clock import SystemClock
from questlog_core.errors import ValidationFailed
from questlog_core.ports.platform import Clock, EmailMessage

DEFAULT_SENDER = "Questlog <no-reply@questlog.localhost>"
MAX_SUBJECT_CHARS = 998  # RFC 5322's line limit; longer subjects are folded by no one sane
MAX_ADDRESS_CHARS = 320


def parse_address(value: str, field: str = "to") -> tuple[str, str]:
    """``(display name, addr-spec)`` of a single mailbox (``a@b`` or ``Name <a@b>``)."""
    if any(ch in value for ch in "\r\n\x00"):
        raise ValidationFailed(field, "must not contain line breaks")
    if not value.strip() or len(value) > MAX_ADDRESS_CHARS:
        raise ValidationFailed(field, "must be one email address")
    invalid = ValidationFailed(field, "must be an email address like name@example.com")
    try:
        header = email.policy.default.header_factory("To", value)
        addresses: tuple[Address, ...] = header.addresses
    except (ValueError, IndexError, AttributeError):
        raise invalid from None
    if len(addresses) != 1:
        raise ValidationFailed(field, "must be exactly one email address")
    if header.defects:
        raise invalid
    address = addresses[0]
    if not address.username or not address.domain or " " in address.addr_spec:
        raise invalid
    return address.display_name, address.addr_spec


def check_message(message: EmailMessage) -> None:
    """Raise ``ValidationFailed`` unless ``message`` can be sent as is."""
    parse_address(message.to, "to")
    if any(ch in message.subject for ch in "\r\n\x00"):
        raise ValidationFailed("subject", "must not contain line breaks")
    if len(message.subject) > MAX_SUBJECT_CHARS:
        raise ValidationFailed("subject", f"must be at most {MAX_SUBJECT_CHARS} characters")
    if "\x00" in message.text or (message.html is not None and "\x00" in message.html):
        raise ValidationFailed("text", "must not contain NUL characters")


def compose(
    message: EmailMessage, sender: str, *, clock: Clock | None = None
) -> email.message.EmailMessage:
    """The MIME message: text/plain, plus a text/html alternative when ``html`` is set.

    Sets ``From``, ``To``, ``Subject``, ``Date`` and a fresh ``Message-ID`` on the sender's
    domain; non-ASCII headers and bodies are encoded by the stdlib's RFC-compliant policy.
    """
    check_message(message)
    _, sender_addr = parse_address(sender, "sender")
    mime = email.message.EmailMessage(policy=email.policy.SMTP)
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.format_datetime((clock or SystemClock()).now())
    mime["Message-ID"] = email.utils.make_msgid(domain=sender_addr.rpartition("@")[2])
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    return mime


__all__ = ["DEFAULT_SENDER", "check_message", "compose", "parse_address"]
