"""AI: the time of each part of a quest view, so a late older quest event no longer overwrites a
newer one, and the deleted quests no late event may bring back (``ai_forgotten_quests``).

Existing views get ``updated_at`` (the time of the newest event applied to them) as the time of
every part: an event older than anything the view already took changes none of it. Their
edges get no times (``edges_at`` NULL): the next event of an edge decides it, as before.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 06:30:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ai"

#: the parts of a view with their own time, all taken from ``updated_at`` for existing rows
_TIMES = ("title_at", "content_at", "status_at", "completion_at", "progress_at")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if _sqlite() else SCHEMA


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    # Plain ADD COLUMNs (SQLite has them): nullable, so no table is rebuilt.
    for column in _TIMES:
        op.add_column(
            "ai_quest_views",
            sa.Column(column, when(timezone=True), nullable=True),
            schema=_schema(),
        )
    op.add_column("ai_quest_views", sa.Column("edges_at", json, nullable=True), schema=_schema())
    table = "ai_quest_views" if _sqlite() else f"{SCHEMA}.ai_quest_views"
    assignments = ", ".join(f"{column} = updated_at" for column in _TIMES)
    op.execute(f"UPDATE {table} SET {assignments}")
    op.create_table(
        "ai_forgotten_quests",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "quest_id", name=op.f("pk_ai_forgotten_quests")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("ai_forgotten_quests", schema=SCHEMA)
    columns = ("edges_at", *reversed(_TIMES))
    if _sqlite():
        # SQLite (3.35+) drops a column in place; batch mode would rebuild the table.
        for column in columns:
            op.execute(f"ALTER TABLE ai_quest_views DROP COLUMN {column}")
        return
    for column in columns:
        op.drop_column("ai_quest_views", column, schema=SCHEMA)
