"""Search: the time of each indexed aspect (text, status) so a late older quest event no longer
overwrites a newer one, and the deleted quests the index must not index again.

Revision ID: 0022
Revises: 0012
Create Date: 2026-12-07 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "search"


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    # A plain ADD COLUMN (SQLite has it): batch mode would rebuild the table (and lose the
    # link between a document's id and its FTS5 row).
    for column in ("content_at", "status_at"):
        op.add_column(
            "search_documents",
            sa.Column(column, when(timezone=True), nullable=True),
            schema=_schema(),
        )
    op.create_table(
        "search_forgotten",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "quest_id", name=op.f("pk_search_forgotten")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("search_forgotten", schema=SCHEMA)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; batch mode would rebuild the table.
        for column in ("status_at", "content_at"):
            op.execute(f"ALTER TABLE search_documents DROP COLUMN {column}")
        return
    for column in ("status_at", "content_at"):
        op.drop_column("search_documents", column, schema=SCHEMA)
