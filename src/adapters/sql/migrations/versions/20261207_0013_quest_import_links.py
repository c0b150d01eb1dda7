"""Quest: which quest each imported record became (``quest_import_links``).

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07 00:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quest_import_links",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint(
            "owner", "source", "external_id", name=op.f("pk_quest_import_links")
        ),
        schema="quest",
    )


def downgrade() -> None:
    op.drop_table("quest_import_links", schema="quest")
