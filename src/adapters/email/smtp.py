"""The ``EmailSender`` port over SMTP with aiosmtplib (a relay, a mail provider's submission port).

One connection per message: reminders and resets are low volume, and a fresh connection
cannot be a stale one. ``security`` picks the transport: ``"starttls"`` (port 587, upgrade
required: if the server does not offer STARTTLS nothing is sent in clear), ``"tls"`` (implicit
TLS, port 465) or ``"none"`` (a local relay on a trusted network only).
"""

from __future__ import annotations

import ssl
from typing import Literal

import aiosmtplib

from adapters.email.message import DEFAULT_SENDER, compose, parse_address
from questlog_core.errors import DeliveryFailed
from questlog_core.ports.platform import EmailMessage

SmtpSecurity = Literal["starttls", "tls", "none"]


class SmtpEmailSender:
    """Sends through an SMTP server; failures raise ``DeliveryFailed`` (``retryable`` set).

    ``timeout`` (seconds) bounds each network step (connect, each command); the default 10 s
    keeps a hung server from holding a worker for aiosmtplib's default of 60 s.
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        sender: str = DEFAULT_SENDER,
        security: SmtpSecurity = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        parse_address(sender, "sender")
        if security not in ("starttls", "tls", "none"):
            raise ValueError(f"unknown SMTP security {security!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        self.host = host
        self.port = port
        self.sender = sender
        self.security: SmtpSecurity = security
        self._username = username
        self._password = password
        self.timeout = timeout
        self._tls_context = tls_context

    async def send(self, message: EmailMessage) -> None:
        """Validate, compose and submit the message; returns once the server accepted it."""
        mime = compose(message, self.sender)
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.security == "tls",
            start_tls=False,  # upgraded below, where a missing STARTTLS is an explicit error
            timeout=self.timeout,
            tls_context=self._tls_context,
        )
        try:
            async with client:
                if self.security == "starttls":
                    await client.ehlo()
                    if not client.supports_extension("starttls"):
                        raise self._failed("server does not offer STARTTLS", retryable=False)
                    await client.starttls()
                if self._username is not None and self._password is not None:
                    await client.login(self._username, self._password)
                await client.send_message(mime)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [err.code for err in exc.recipients]
            retryable = all(400 <= c < 500 for c in codes)
            # 5xx on RCPT TO: the mailbox does not exist or refuses us for good.
            raise self._failed(
                "recipient refused", retryable=retryable, status=codes[0], target_gone=not retryable
            ) from exc
        except aiosmtplib.SMTPNotSupported as exc:
            # e.g. AUTH asked for but not offered: a configuration error.
            raise self._failed(f"not supported by server: {exc}", retryable=False) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # 4xx is "try again later"; 5xx (bad credentials, policy) will not get better.
            raise self._failed(
                f"server said {exc.code} {exc.message}",
                retryable=400 <= exc.code < 500,
                status=exc.code,
            ) from exc
        except ssl.SSLError as exc:
            # An untrusted or mismatched certificate will not fix itself.
            raise self._failed(f"TLS failed: {exc}", retryable=False) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Connection refused, timeouts, disconnects: the server may be back soon.
            raise self._failed(f"{type(exc).__name__}: {exc}", retryable=True) from exc

    def _failed(
        self, reason: str, *, retryable: bool, status: int | None = None, target_gone: bool = False
    ) -> DeliveryFailed:
        return DeliveryFailed(
            "email",
            f"smtp://{self.host}:{self.port}",
            reason,
            retryable=retryable,
            status=status,
            target_gone=target_gone,
        )


__all__ = ["SmtpEmailSender", "SmtpSecurity"]
