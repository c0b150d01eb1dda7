"""Outbox and inbox tables: every service gets its own pair in its own schema.

The **outbox** holds the events a unit of work produced, written in the same transaction as
the state change, so a crash can never keep one and drop the other; a relay publishes the
unpublished rows in ``position`` order and stamps ``published_at``. The **inbox** holds the
ids of events a consumer has processed; a consumer claims an event id inside its own
transaction and skips the event when the claim finds it already there. The **erased
accounts** (tombstones) hold the id of every account the service erased and when: events about
that account arriving later are dropped instead of creating its rows again
(:func:`questlog_core.moving.erasure.unless_erased`).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import SerialKey, UtcDateTime


def outbox_table(service: str) -> Table:
    """The outbox of ``service`` (table ``<service>_outbox`` in schema ``<service>``)."""
    name = f"{service}_outbox"
    table = Table(
        name,
        metadata,
        Column("position", SerialKey, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("event_type", String(120), nullable=False),
        Column("owner", Uuid, nullable=False),
        Column("occurred_at", UtcDateTime, nullable=False),
        Column("recorded_at", UtcDateTime, nullable=False),
        Column("payload", Text, nullable=False),
        Column("published_at", UtcDateTime, nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        # the HTTP request that caused the event, carried on into the broker's message
        Column("request_id", String(128), nullable=True),
        schema=service,
    )
    # The relay's scan: only unpublished rows, in order. Partial on both databases.
    Index(
        f"ix_{name}_unpublished",
        table.c.position,
        postgresql_where=table.c.published_at.is_(None),
        sqlite_where=table.c.published_at.is_(None),
    )
    return table


def inbox_table(service: str) -> Table:
    """The inbox of ``service``: one row per (consumer, event id) already processed."""
    return Table(
        f"{service}_inbox",
        metadata,
        Column("consumer", String(120), nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("processed_at", UtcDateTime, nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
        schema=service,
    )


def dead_letters_table(service: str) -> Table:
    """Messages a consumer of ``service`` gave up on after its last retry, for an operator to
    list, replay or purge (``questlog dead-letters``)."""
    name = f"{service}_dead_letters"
    return Table(
        name,
        metadata,
        Column("message_id", String(64), primary_key=True),
        Column("queue_name", String(200), nullable=False),
        Column("actor_name", String(200), nullable=False),
        Column("event_id", Uuid, nullable=True),
        Column("event_type", String(120), nullable=True),
        # the whole Dramatiq message (JSON), so a replay sends exactly what failed
        Column("message", Text, nullable=False),
        Column("error", Text, nullable=True),
        Column("failed_at", UtcDateTime, nullable=False),
        schema=service,
    )


def erased_accounts_table(service: str) -> Table:
    """The accounts ``service`` erased (``<service>_erased_accounts``): the account's id, a
    random UUID, and when, nothing else. Kept so an event about the account delivered after
    its erasure is dropped instead of bringing its rows back."""
    return Table(
        f"{service}_erased_accounts",
        metadata,
        Column("owner", Uuid, primary_key=True),
        Column("erased_at", UtcDateTime, nullable=False),
        schema=service,
    )


__all__ = ["dead_letters_table", "erased_accounts_table", "inbox_table", "outbox_table"]
