"""The embedded-default email senders: print to the console, or write ``.eml`` files.

Neither delivers anything, and both say so: the console block is labelled
"[questlog console email — not sent]", and the outbox is a folder an operator (or a test, or
a mail client) reads. They validate and compose messages exactly like the SMTP and SendGrid
senders, so a message that works here is a message those accept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import TextIO

from adapters.email.message import DEFAULT_SENDER, compose, parse_address
from adapters.memory.clock import SystemClock
from questlog_core.ports.platform import Clock, EmailMessage

CONSOLE_LABEL = "[questlog console email — not sent]"


class ConsoleEmailSender:
    """Prints each message as a labelled block to ``stream`` (default: stdout) or ``logger``.

    The fallback for a laptop: a password-reset link shows up in the terminal running
    ``questlog serve``. Nothing is delivered to the recipient.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        logger: logging.Logger | None = None,
        sender: str = DEFAULT_SENDER,
        clock: Clock | None = None,
    ) -> None:
        parse_address(sender, "sender")
        self._stream = stream
        self._logger = logger
        self.sender = sender
        self._clock = clock or SystemClock()

    async def send(self, message: EmailMessage) -> None:
        """Print the message (after the same validation a real sender does)."""
        mime = compose(message, self.sender, clock=self._clock)
        lines = [
            f"===== {CONSOLE_LABEL} =====",
            f"From: {self.sender}",
            f"To: {message.to}",
            f"Subject: {message.subject}",
            f"Date: {mime['Date']}",
            "",
            message.text,
        ]
        if message.html is not None:
            lines += ["----- text/html alternative -----", message.html]
        lines.append(f"===== end of {CONSOLE_LABEL} =====")
        block = "\n".join(lines)
        if self._logger is not None:
            self._logger.info("%s", block)
            return
        stream = self._stream or sys.stdout  # looked up late so redirection is honoured
        stream.write(block + "\n")
        stream.flush()


class OutboxEmailSender:
    """Writes each message as an RFC 5322 ``.eml`` file into ``folder``.

    Files are named ``<UTC timestamp>-<random>.eml`` so they sort by sending time and never
    collide; each is written under a hidden temporary name, fsynced and renamed, so a reader
    listing ``*.eml`` never sees half a message.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        sender: str = DEFAULT_SENDER,
        clock: Clock | None = None,
    ) -> None:
        parse_address(sender, "sender")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sender = sender
        self._clock = clock or SystemClock()

    async def send(self, message: EmailMessage) -> None:
        """Write the message; returns once the file is in place."""
        await self.write(message)

    async def write(self, message: EmailMessage) -> Path:
        """Write the message and return the path of its ``.eml`` file."""
        mime = compose(message, self.sender, clock=self._clock)
        name = f"{self._clock.now():%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}.eml"
        return await asyncio.to_thread(self._write, name, mime.as_bytes())

    def _write(self, name: str, data: bytes) -> Path:
        target = self.folder / name
        tmp = self.folder / f".{name}.tmp"
        try:
            with open(tmp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        return target

    def messages(self) -> list[Path]:
        """The ``.eml`` files written so far, oldest first."""
        return sorted(self.folder.glob("*.eml"))


__all__ = ["CONSOLE_LABEL", "ConsoleEmailSender", "OutboxEmailSender"]
