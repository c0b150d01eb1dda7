"""Calendar feeds: what each feed holds (``kind``: ``todos``, the VTODOs every feed held so far,
or ``events``, VEVENTs), and the calendar's copy of each quest keeps its estimate (how long an
event lasts).

Existing feeds keep serving to-dos (the server default). Existing copies of quests have no
estimate until their quest's next event (their events last the default 30 minutes until then).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 06:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "integrations"


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


def upgrade() -> None:
    # Plain ADD COLUMNs (SQLite has them): batch mode would rebuild the tables.
    op.add_column(
        "integrations_calendar_feeds",
        sa.Column("kind", sa.String(length=16), server_default="todos", nullable=False),
        schema=_schema(),
    )
    op.add_column(
        "integrations_calendar_entries",
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        schema=_schema(),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; batch mode would rebuild the table.
        op.execute("ALTER TABLE integrations_calendar_entries DROP COLUMN estimate_minutes")
        op.execute("ALTER TABLE integrations_calendar_feeds DROP COLUMN kind")
        return
    op.drop_column("integrations_calendar_entries", "estimate_minutes", schema=SCHEMA)
    op.drop_column("integrations_calendar_feeds", "kind", schema=SCHEMA)
