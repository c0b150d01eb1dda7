"""Choosing the Dramatiq broker: the first thing a worker (or the all-in-one) does.

``QUESTLOG_BROKER`` picks ``stub`` (in-process: the all-in-one runs its worker in its own
process), ``redis`` (``QUESTLOG_REDIS_URL``; keys under ``<QUESTLOG_REDIS_KEY_PREFIX>:dramatiq``)
or ``rabbitmq`` (``QUESTLOG_AMQP_URL``, publisher confirms on). :func:`configure_broker` also
makes it Dramatiq's global broker, so nothing can fall back to the RabbitMQ broker Dramatiq
would otherwise create on first use (see DESIGN.md, pitfalls).
"""

from __future__ import annotations

from typing import Any

from apps.settings import Settings

#: A Redis worker that stopped heart-beating this long ago (killed, host lost) is dead: the
#: messages it had taken go back to their queue. Dramatiq's default is a minute.
REDIS_HEARTBEAT_TIMEOUT_MS = 10_000
#: Out of a million Redis commands, how many also run that clean-up (default 1,000): idle
#: consumers poll ten times a second, so a dead worker's messages return within seconds.
REDIS_MAINTENANCE_CHANCE = 20_000


def make_broker(settings: Settings) -> Any:
    """A new broker of the configured kind, with the middleware the workers rely on."""
    from dramatiq.middleware import AsyncIO, CurrentMessage, default_middleware

    middleware = [m() for m in default_middleware] + [AsyncIO(), CurrentMessage()]
    if settings.broker == "stub":
        from dramatiq.brokers.stub import StubBroker

        return StubBroker(middleware=middleware)
    if settings.broker == "redis":
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(  # type: ignore[no-untyped-call]
            url=settings.redis_url,
            namespace=f"{settings.redis_key_prefix}:dramatiq",
            middleware=middleware,
            heartbeat_timeout=REDIS_HEARTBEAT_TIMEOUT_MS,
            maintenance_chance=REDIS_MAINTENANCE_CHANCE,
        )
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    return RabbitmqBroker(url=settings.amqp_url, confirm_delivery=True, middleware=middleware)


def configure_broker(settings: Settings) -> Any:
    """Make the configured broker Dramatiq's global one and return it."""
    import dramatiq

    broker = make_broker(settings)
    dramatiq.set_broker(broker)
    return broker


def queue_name(settings: Settings, context: str) -> str:
    """The queue of one context's consumers (``<QUESTLOG_QUEUE_PREFIX>_<context>``)."""
    return f"{settings.queue_prefix}_{context}"


__all__ = ["configure_broker", "make_broker", "queue_name"]
