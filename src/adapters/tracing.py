"""The id of the request a piece of work belongs to, carried across processes.

The HTTP edge sets :data:`request_id` for each request; a unit of work stores it on the outbox
rows it writes; the relay puts it into the broker message's options; the worker sets it again
before a consumer runs, so the consumer's own events (and log lines) carry the same id.
"""

from __future__ import annotations

from contextvars import ContextVar

#: the current request's id, or ``None`` outside any request
request_id: ContextVar[str | None] = ContextVar("questlog_request_id", default=None)

__all__ = ["request_id"]
