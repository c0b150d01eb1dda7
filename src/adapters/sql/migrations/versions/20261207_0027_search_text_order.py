"""Search: the title and notes get their own time (``text_at``), apart from the filters a
completion also carries (``content_at``: tags, category, due).

A ``quest.completed`` does not carry the title or notes, yet it moved the one time they shared
with the filters: an edit made before a completion and delivered after it was taken as older
and dropped, and the old title stayed searchable. Existing documents get the time their text
had until now (``content_at``, or ``created_at`` where that is ``NULL``, which means the same).

A plain ADD COLUMN (SQLite has it): batch mode would rebuild the table and lose the link
between a document's id and its FTS5 row. ``search.search_page`` (migration 0024) names the
columns it reads and returns its own row type, so a new column leaves it as it is.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 12:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "search"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if _sqlite() else SCHEMA


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    op.add_column(
        "search_documents",
        sa.Column("text_at", when(timezone=True), nullable=True),
        schema=_schema(),
    )
    table = "search_documents" if _sqlite() else f"{SCHEMA}.search_documents"
    op.execute(f"UPDATE {table} SET text_at = COALESCE(content_at, created_at)")


def downgrade() -> None:
    if _sqlite():
        # SQLite (3.35+) drops a column in place; batch mode would rebuild the table.
        op.execute("ALTER TABLE search_documents DROP COLUMN text_at")
        return
    op.drop_column("search_documents", "text_at", schema=SCHEMA)
