"""The message bus: moved to :mod:`questlog_core.kernel.bus`.

This path keeps working (it re-exports the same objects).
"""

from questlog_core.kernel.bus import CommitsEvents, MessageBus

__all__ = ["CommitsEvents", "MessageBus"]
