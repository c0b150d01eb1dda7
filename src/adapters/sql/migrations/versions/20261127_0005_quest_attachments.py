"""Quest attachments: metadata of files on quests (the bytes live in the file storage).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 09:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quest_attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("stored_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quest_attachments")),
        schema="quest",
    )
    op.create_index(
        op.f("ix_quest_attachments_owner_quest_id_created_at"),
        "quest_attachments",
        ["owner", "quest_id", "created_at"],
        unique=False,
        schema="quest",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_quest_attachments_owner_quest_id_created_at"),
        table_name="quest_attachments",
        schema="quest",
    )
    op.drop_table("quest_attachments", schema="quest")
