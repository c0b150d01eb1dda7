"""Experiments (analytics service): the definitions and one exposure row per user and
experiment (its primary key keeps "once" under concurrent requests), in the analytics schema
that revision 0019 creates.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "analytics_experiments",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("variants", json, nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("started_at", when(timezone=True), nullable=True),
        sa.Column("stopped_at", when(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_analytics_experiments")),
        schema=SCHEMA,
    )
    op.create_table(
        "analytics_exposures",
        sa.Column("experiment", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("exposed_at", when(timezone=True), nullable=False),
        sa.Column("completions", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("experiment", "owner", name=op.f("pk_analytics_exposures")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_analytics_exposures_owner"),
        "analytics_exposures",
        ["owner"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_analytics_exposures_owner"), table_name="analytics_exposures", schema=SCHEMA
    )
    op.drop_table("analytics_exposures", schema=SCHEMA)
    op.drop_table("analytics_experiments", schema=SCHEMA)
