"""The shared kernel: what every bounded context uses, and nothing about any one of them.

* :mod:`.ids` — the typed ids;
* :mod:`.errors` — the base of every domain error and the generic ones;
* :mod:`.clock` — the ``Clock`` and ``IdFactory`` ports;
* :mod:`.events` — the base of every domain event and the event-type registry;
* :mod:`.messaging` — outbox records, the outbox's read side, the inbox, the publisher;
* :mod:`.unit_of_work` — the one unit-of-work shape every context's port extends;
* :mod:`.bus` — the message bus every way in goes through;
* :mod:`.ordering` — when a late event may still overwrite part of a read model.

The kernel never imports a context (an import-linter contract checks it): the registry of
every context's event types is assembled outside it, in :mod:`questlog_core.events`.
"""

from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.kernel.errors import DomainError, ErrorKind
from questlog_core.kernel.events import DomainEvent, register
from questlog_core.kernel.messaging import EventPublisher, Inbox, Outbox, OutboxRecord
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = [
    "Clock",
    "DomainError",
    "DomainEvent",
    "ErrorKind",
    "EventPublisher",
    "IdFactory",
    "Inbox",
    "MessageBus",
    "Outbox",
    "OutboxRecord",
    "UnitOfWork",
    "register",
]
