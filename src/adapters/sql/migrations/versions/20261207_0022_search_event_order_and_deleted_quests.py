"""Search: the time of each indexed aspect (text, status) so a late older quest event no longer
overwrites a newer one, and the deleted quests the index must not index again.

PostgreSQL: the GIN index of the words stops using its pending list (``fastupdate = off``).
With it, new documents wait in an unordered list that every search reads in full until a
vacuum merges it: 12,000 pending entries after loading 100,000 quests cost each search
~15 ms before it even looked at the index proper. Without it each indexed quest updates the
index at once (a little slower to write, one quest at a time), and searches stay fast.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-07 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "search"


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


#: the GIN index of ``search_documents.search_vector`` (revision 0012)
_VECTOR_INDEX = "search.ix_search_documents_search_vector"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER INDEX {_VECTOR_INDEX} SET (fastupdate = off)")
        # Merge what is already pending (otherwise read by every search until a vacuum).
        op.execute(f"SELECT gin_clean_pending_list('{_VECTOR_INDEX}'::regclass)")
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
    op.execute(f"ALTER INDEX {_VECTOR_INDEX} RESET (fastupdate)")
