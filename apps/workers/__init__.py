"""The event side of Questlog: the broker, the consumers' actors, the relay, the worker.

:mod:`.broker` chooses the Dramatiq broker from ``QUESTLOG_BROKER`` and must run before any
actor exists; actors are declared by :func:`apps.workers.actors.declare_actors` (never at
import), so no module can bind an actor to Dramatiq's implicit RabbitMQ broker.
:mod:`.consumers` registers each context's event handlers on its message bus;
:mod:`.runtime` runs consumers and the outbox relay together (``questlog worker``, or inside
the all-in-one with the stub broker).
"""
