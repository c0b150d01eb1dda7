"""Gamification: the identity fact a player's name and zone follow (``profile_as_of``); the
quest reopens the game has seen and each award's quest version (``gamification_reopens``,
``gamification_ledger.quest_version``), so a reopen delivered before its completion still wins;
friends, invitations and public share links (``gamification_friendships``, ``_email_invites``,
``_friend_links``, ``_share_links``, ``gamification_players.email_digest``).

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-07 00:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if op.get_bind().dialect.name == "sqlite" else "gamification"


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has it): batch mode would rebuild the table.
    op.add_column(
        "gamification_players",
        sa.Column("profile_as_of", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        schema=_schema(),
    )
    op.add_column(
        "gamification_ledger",
        sa.Column("quest_version", sa.Integer(), nullable=True),
        schema=_schema(),
    )
    op.create_table(
        "gamification_reopens",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("quest_version", sa.Integer(), nullable=True),
        sa.Column("reopened_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_gamification_reopens")),
        schema="gamification",
    )
    op.create_index(
        op.f("ix_gamification_reopens_user_id_quest_id_occurrence"),
        "gamification_reopens",
        ["user_id", "quest_id", "occurrence"],
        unique=False,
        schema="gamification",
    )
    _create_social_tables()


def _create_social_tables() -> None:
    when = adapters.sql.types.UtcDateTime(timezone=True)
    op.add_column(
        "gamification_players",
        sa.Column("email_digest", sa.String(length=64), nullable=True),
        schema=_schema(),
    )
    op.create_index(
        op.f("ix_gamification_players_email_digest"),
        "gamification_players",
        ["email_digest"],
        unique=False,
        schema="gamification",
    )
    op.create_table(
        "gamification_friendships",
        sa.Column("user_a", sa.Uuid(), nullable=False),
        sa.Column("user_b", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("blocked_by_a", sa.Boolean(), nullable=False),
        sa.Column("blocked_by_b", sa.Boolean(), nullable=False),
        sa.Column("since", when, nullable=False),
        sa.PrimaryKeyConstraint("user_a", "user_b", name=op.f("pk_gamification_friendships")),
        schema="gamification",
    )
    op.create_index(
        op.f("ix_gamification_friendships_user_b"),
        "gamification_friendships",
        ["user_b"],
        unique=False,
        schema="gamification",
    )
    op.create_table(
        "gamification_email_invites",
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("inviter", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.PrimaryKeyConstraint(
            "email_digest", "inviter", name=op.f("pk_gamification_email_invites")
        ),
        schema="gamification",
    )
    op.create_table(
        "gamification_friend_links",
        sa.Column("link_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("inviter", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("expires_at", when, nullable=False),
        sa.Column("used_by", sa.Uuid(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_gamification_friend_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_gamification_friend_links_token_digest")),
        schema="gamification",
    )
    op.create_index(
        op.f("ix_gamification_friend_links_inviter"),
        "gamification_friend_links",
        ["inviter"],
        unique=False,
        schema="gamification",
    )
    op.create_table(
        "gamification_share_links",
        sa.Column("link_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("achievement_key", sa.String(length=64), nullable=False),
        sa.Column("show_display_name", sa.Boolean(), nullable=False),
        sa.Column("show_level", sa.Boolean(), nullable=False),
        sa.Column("show_unlocked_at", sa.Boolean(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_gamification_share_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_gamification_share_links_token_digest")),
        schema="gamification",
    )
    op.create_index(
        op.f("ix_gamification_share_links_user_id"),
        "gamification_share_links",
        ["user_id"],
        unique=False,
        schema="gamification",
    )


def _drop_social_tables() -> None:
    for table, index in (
        ("gamification_share_links", "ix_gamification_share_links_user_id"),
        ("gamification_friend_links", "ix_gamification_friend_links_inviter"),
        ("gamification_friendships", "ix_gamification_friendships_user_b"),
    ):
        op.drop_index(op.f(index), table_name=table, schema="gamification")
        op.drop_table(table, schema="gamification")
    op.drop_table("gamification_email_invites", schema="gamification")
    op.drop_index(
        op.f("ix_gamification_players_email_digest"),
        table_name="gamification_players",
        schema="gamification",
    )
    op.drop_column("gamification_players", "email_digest", schema=_schema())


def downgrade() -> None:
    _drop_social_tables()
    op.drop_index(
        op.f("ix_gamification_reopens_user_id_quest_id_occurrence"),
        table_name="gamification_reopens",
        schema="gamification",
    )
    op.drop_table("gamification_reopens", schema="gamification")
    op.drop_column("gamification_ledger", "quest_version", schema=_schema())
    op.drop_column("gamification_players", "profile_as_of", schema=_schema())
