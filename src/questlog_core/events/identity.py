"""Events raised by identity: users registered, roles changed."""

from __future__ import annotations

from questlog_core.events import DomainEvent, register  # noqa: F401
