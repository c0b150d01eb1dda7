"""Contract suite of the ``TokenUsageLedger`` port on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.ai import InMemoryTokenUsageLedger
from adapters.sql.ai import SqlTokenUsageLedger
from questlog_core.ids import UserId
from questlog_core.ports.ai import TokenTotals, TokenUsageLedger, TokenUsageRecord

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))


@pytest.fixture
def ledger(engine: AsyncEngine | None) -> TokenUsageLedger:
    return InMemoryTokenUsageLedger() if engine is None else SqlTokenUsageLedger(engine)


def spent(owner: UserId, at: datetime, tokens_in: int, tokens_out: int) -> TokenUsageRecord:
    return TokenUsageRecord(
        owner=owner,
        at=at,
        provider="openai",
        model="gpt-5.4-mini",
        input_tokens=tokens_in,
        output_tokens=tokens_out,
    )


async def test_nothing_recorded_sums_to_zero(ledger: TokenUsageLedger) -> None:
    assert await ledger.totals(ALICE, T0) == TokenTotals()


async def test_totals_sum_one_users_records_from_a_moment_on(ledger: TokenUsageLedger) -> None:
    await ledger.record(spent(ALICE, T0 - timedelta(days=1), 1000, 1000))  # before the period
    await ledger.record(spent(ALICE, T0, 100, 20))
    await ledger.record(spent(ALICE, T0 + timedelta(hours=3), 50, 5))
    await ledger.record(spent(BOB, T0 + timedelta(hours=1), 7, 7))
    assert await ledger.totals(ALICE, T0) == TokenTotals(
        requests=2, input_tokens=150, output_tokens=25
    )
    assert await ledger.totals(BOB, T0) == TokenTotals(requests=1, input_tokens=7, output_tokens=7)
    assert await ledger.totals(ALICE, T0 - timedelta(days=2)) == TokenTotals(
        requests=3, input_tokens=1150, output_tokens=1025
    )
