"""The ``TokenUsageLedger`` port in process (tests, ``memory://`` deployments)."""

from __future__ import annotations

from datetime import datetime

from questlog_core.ids import UserId
from questlog_core.ports.ai import TokenTotals, TokenUsageRecord


class InMemoryTokenUsageLedger:
    """Token usage records in a list; totals are sums over one owner's records."""

    def __init__(self) -> None:
        self._records: list[TokenUsageRecord] = []

    async def record(self, entry: TokenUsageRecord) -> None:
        """Keep ``entry``."""
        self._records.append(entry)

    async def totals(self, owner: UserId, since: datetime) -> TokenTotals:
        """``owner``'s requests and tokens at or after ``since``."""
        mine = [r for r in self._records if r.owner == owner and r.at >= since]
        return TokenTotals(
            requests=len(mine),
            input_tokens=sum(r.input_tokens for r in mine),
            output_tokens=sum(r.output_tokens for r in mine),
        )


__all__ = ["InMemoryTokenUsageLedger"]
