"""The integrations context on SQL: webhook endpoints, deliveries and their attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables import integrations as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.integrations.webhooks import Attempt, Delivery, DeliveryStatus, Endpoint
from questlog_core.kernel.ids import EventId, UserId

_E = t.webhook_endpoints
_D = t.webhook_deliveries
_A = t.webhook_attempts


def _endpoint(row: Any) -> Endpoint:
    return Endpoint(
        id=row.id,
        owner=UserId(row.owner),
        url=row.url,
        event_types=list(row.event_types),
        secret=row.secret,
        enabled=bool(row.enabled),
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        owner=UserId(row.owner),
        endpoint_id=row.endpoint_id,
        event_id=EventId(row.event_id),
        event_type=row.event_type,
        body=row.body,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _delivery_values(d: Delivery) -> dict[str, Any]:
    return {
        "owner": d.owner,
        "endpoint_id": d.endpoint_id,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "body": d.body,
        "status": d.status.value,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


class SqlWebhookStore:
    """:class:`~questlog_core.integrations.ports.WebhookStore` in the unit of work's
    transaction."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def endpoints_of(self, owner: UserId) -> list[Endpoint]:
        rows = await self._uow.connection.execute(
            select(_E).where(_E.c.owner == owner).order_by(_E.c.created_at, _E.c.id)
        )
        return [_endpoint(r) for r in rows]

    async def endpoint(self, owner: UserId, endpoint_id: UUID) -> Endpoint | None:
        rows = await self._uow.connection.execute(
            select(_E).where(_E.c.owner == owner, _E.c.id == endpoint_id)
        )
        row = rows.first()
        return None if row is None else _endpoint(row)

    async def endpoint_by_id(self, endpoint_id: UUID) -> Endpoint | None:
        row = (await self._uow.connection.execute(select(_E).where(_E.c.id == endpoint_id))).first()
        return None if row is None else _endpoint(row)

    async def save_endpoint(self, endpoint: Endpoint) -> None:
        values = {
            "owner": endpoint.owner,
            "url": endpoint.url,
            "event_types": list(endpoint.event_types),
            "secret": endpoint.secret,
            "enabled": endpoint.enabled,
            "description": endpoint.description,
            "created_at": endpoint.created_at,
            "updated_at": endpoint.updated_at,
        }
        connection = self._uow.connection
        changed = await connection.execute(
            update(_E).where(_E.c.id == endpoint.id).values(**values)
        )
        if not changed.rowcount:
            await connection.execute(insert(_E).values(id=endpoint.id, **values))

    async def delete_endpoint(self, owner: UserId, endpoint_id: UUID) -> None:
        connection = self._uow.connection
        deliveries = select(_D.c.id).where(_D.c.endpoint_id == endpoint_id, _D.c.owner == owner)
        await connection.execute(delete(_A).where(_A.c.delivery_id.in_(deliveries)))
        await connection.execute(
            delete(_D).where(_D.c.endpoint_id == endpoint_id, _D.c.owner == owner)
        )
        await connection.execute(delete(_E).where(_E.c.id == endpoint_id, _E.c.owner == owner))

    async def add_delivery(self, delivery: Delivery) -> bool:
        connection = self._uow.connection
        exists = await connection.scalar(
            select(_D.c.id).where(
                _D.c.endpoint_id == delivery.endpoint_id, _D.c.event_id == delivery.event_id
            )
        )
        if exists is not None:
            return False
        try:
            async with connection.begin_nested():
                await connection.execute(
                    insert(_D).values(id=delivery.id, **_delivery_values(delivery))
                )
        except IntegrityError:  # a concurrent consumer queued it first
            return False
        return True

    async def save_delivery(self, delivery: Delivery) -> None:
        await self._uow.connection.execute(
            update(_D).where(_D.c.id == delivery.id).values(**_delivery_values(delivery))
        )

    async def delivery(self, delivery_id: UUID) -> Delivery | None:
        row = (await self._uow.connection.execute(select(_D).where(_D.c.id == delivery_id))).first()
        return None if row is None else _delivery(row)

    async def deliveries_of(
        self, owner: UserId, endpoint_id: UUID, *, limit: int | None
    ) -> list[Delivery]:
        rows = await self._uow.connection.execute(
            select(_D)
            .where(_D.c.owner == owner, _D.c.endpoint_id == endpoint_id)
            .order_by(_D.c.created_at.desc(), _D.c.id)
            .limit(limit)
        )
        return [_delivery(r) for r in rows]

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        connection = self._uow.connection
        query = (
            select(_D)
            .where(_D.c.status == DeliveryStatus.PENDING.value, _D.c.next_attempt_at <= now)
            .order_by(_D.c.next_attempt_at)
            .limit(limit)
        )
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed: list[Delivery] = []
        for row in (await connection.execute(query)).all():
            # the lease: only the sender whose update still finds the old due time takes it
            taken = await connection.execute(
                update(_D)
                .where(_D.c.id == row.id, _D.c.next_attempt_at == row.next_attempt_at)
                .values(next_attempt_at=until)
            )
            if taken.rowcount:
                claimed.append(_delivery(row))
        return claimed

    async def add_attempt(self, attempt: Attempt) -> None:
        await self._uow.connection.execute(
            insert(_A).values(
                delivery_id=attempt.delivery_id,
                owner=attempt.owner,
                at=attempt.at,
                status_code=attempt.status_code,
                error=attempt.error,
                duration_ms=attempt.duration_ms,
            )
        )

    async def attempts_of(self, delivery_ids: Sequence[UUID]) -> list[Attempt]:
        if not delivery_ids:
            return []
        rows = await self._uow.connection.execute(
            select(_A).where(_A.c.delivery_id.in_(list(delivery_ids))).order_by(_A.c.id)
        )
        return [
            Attempt(
                delivery_id=r.delivery_id,
                owner=UserId(r.owner),
                at=r.at,
                status_code=r.status_code,
                error=r.error,
                duration_ms=r.duration_ms,
            )
            for r in rows
        ]


class SqlIntegrationsUnitOfWork(SqlUnitOfWork):
    """One transaction over the integrations tables, its inbox and its outbox."""

    service = "integrations"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.webhooks = SqlWebhookStore(self)


__all__ = ["SqlIntegrationsUnitOfWork", "SqlWebhookStore"]
