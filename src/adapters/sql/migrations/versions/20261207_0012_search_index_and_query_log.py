"""Search: the service's schema, outbox, inbox and dead letters, its copy of quests
(``search_documents``) with the full-text index of each database, and the query log.

PostgreSQL: a ``tsvector`` column with a GIN index. SQLite: an FTS5 table whose rowid is the
document's id (unicode61 words; diacritics kept, since the words arrive already normalised).

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-07 00:30:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types
from adapters.sql.migrations.service_schema import create_service_schema, drop_service_tables

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "search"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    create_service_schema(SCHEMA)
    when = adapters.sql.types.UtcDateTime
    serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "search_documents",
        sa.Column("id", serial, autoincrement=True, nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tags", json, nullable=False),
        sa.Column("tag_keys", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due", when(timezone=True), nullable=True),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("updated_at", when(timezone=True), nullable=False),
        sa.Column("started_at", when(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("owner", "quest_id", name=op.f("uq_search_documents_owner_quest_id")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_search_documents_owner_id"),
        "search_documents",
        ["owner", "id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "search_queries",
        sa.Column("id", serial, autoincrement=True, nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_queries")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_search_queries_at"), "search_queries", ["at"], unique=False, schema=SCHEMA
    )
    if dialect == "postgresql":
        op.execute("ALTER TABLE search.search_documents ADD COLUMN search_vector tsvector")
        op.execute(
            "CREATE INDEX ix_search_documents_search_vector "
            "ON search.search_documents USING gin (search_vector)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "owner, title, tags, notes, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE search_fts")
    op.drop_index(op.f("ix_search_queries_at"), table_name="search_queries", schema=SCHEMA)
    op.drop_table("search_queries", schema=SCHEMA)
    op.drop_index(
        op.f("ix_search_documents_owner_id"), table_name="search_documents", schema=SCHEMA
    )
    op.drop_table("search_documents", schema=SCHEMA)
    drop_service_tables(SCHEMA)
