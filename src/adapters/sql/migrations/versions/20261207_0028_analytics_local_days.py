"""Analytics: each record keeps the player's own day (``local_day``, in their time zone when it
was recorded) beside its UTC ``day``, and the service keeps each player's time zone
(``analytics_player_zones``), fed by identity events.

Existing records get their UTC ``day`` as their local day (the zone they were in is not known);
the index ``(owner, local_day)`` serves a player's summary, which reads one range of their days.
``local_day`` is nullable only so that SQLite adds it in place (no table rebuild); every row
has one.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 07:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"
INDEX = "ix_analytics_events_owner_local_day"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if _sqlite() else SCHEMA


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has them): nullable, so no table is rebuilt.
    op.add_column(
        "analytics_events", sa.Column("local_day", sa.Date(), nullable=True), schema=_schema()
    )
    table = "analytics_events" if _sqlite() else f"{SCHEMA}.analytics_events"
    op.execute(f"UPDATE {table} SET local_day = day")
    op.create_index(
        op.f(INDEX), "analytics_events", ["owner", "local_day"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "analytics_player_zones",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_analytics_player_zones")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("analytics_player_zones", schema=SCHEMA)
    op.drop_index(op.f(INDEX), table_name="analytics_events", schema=SCHEMA)
    if _sqlite():
        # SQLite (3.35+) drops a column in place; batch mode would rebuild the table.
        op.execute("ALTER TABLE analytics_events DROP COLUMN local_day")
        return
    op.drop_column("analytics_events", "local_day", schema=SCHEMA)
