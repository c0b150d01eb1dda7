"""The ai service's SQL adapters: the ``TokenUsageLedger`` in ``ai.ai_token_usage``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables import ai as t
from questlog_core.errors import ServiceUnavailable
from questlog_core.ids import UserId
from questlog_core.ports.ai import TokenTotals, TokenUsageRecord


class SqlTokenUsageLedger:
    """Appends one row per answer; totals are one indexed aggregate over an owner's rows."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, entry: TokenUsageRecord) -> None:
        """Store ``entry`` (its own short transaction)."""
        row = {
            "owner": entry.owner,
            "at": entry.at,
            "provider": entry.provider,
            "model": entry.model,
            "input_tokens": entry.input_tokens,
            "output_tokens": entry.output_tokens,
        }
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(t.token_usage).values(row))
        except DBAPIError as exc:
            raise ServiceUnavailable("token usage ledger unavailable") from exc

    async def totals(self, owner: UserId, since: datetime) -> TokenTotals:
        """``owner``'s requests and tokens at or after ``since``."""
        table = t.token_usage
        query = select(
            func.count(),
            func.coalesce(func.sum(table.c.input_tokens), 0),
            func.coalesce(func.sum(table.c.output_tokens), 0),
        ).where(table.c.owner == owner, table.c.at >= since)
        try:
            async with self._engine.connect() as connection:
                requests, input_tokens, output_tokens = (await connection.execute(query)).one()
        except DBAPIError as exc:
            raise ServiceUnavailable("token usage ledger unavailable") from exc
        return TokenTotals(
            requests=int(requests), input_tokens=int(input_tokens), output_tokens=int(output_tokens)
        )


__all__ = ["SqlTokenUsageLedger"]
