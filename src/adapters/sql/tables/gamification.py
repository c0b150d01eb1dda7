"""Tables owned by the gamification service (schema ``gamification`` on PostgreSQL).

The ledger is append-only (a reversal only stamps ``reversed_by`` on the award it undoes).
Two constraints make a double award impossible even when workers race on one completion:
``UNIQUE (user_id, key)`` (an award's key names the quest, the occurrence and the award
generation) and a partial unique index allowing one *live* award per (user, quest,
occurrence). Players carry a version for optimistic concurrency; the leaderboard keeps running
scores per (board, period) plus the entry ids already counted, so recording is idempotent.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from adapters.sql.tables.base import declare_group, metadata
from adapters.sql.tables.messaging import (
    dead_letters_table,
    erased_accounts_table,
    inbox_table,
    outbox_table,
)
from adapters.sql.types import JsonDocument, SerialKey, UtcDateTime

SCHEMA = "gamification"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

ledger = Table(
    "gamification_ledger",
    metadata,
    # position keeps append order (what "the order given" means for a ledger)
    Column("position", SerialKey, primary_key=True, autoincrement=True),
    Column("entry_id", Uuid, nullable=False, unique=True),
    Column("user_id", Uuid, nullable=False),
    Column("key", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("effective_at", UtcDateTime, nullable=False),
    Column("local_date", Date, nullable=False),
    Column("quest_id", Uuid, nullable=True),
    Column("occurrence", Integer, nullable=True),
    Column("difficulty", String(32), nullable=True),
    Column("source_event_id", Uuid, nullable=True),
    Column("reverses", Uuid, nullable=True),
    # Storage-only: the reversal that undid this award (set when the reversal is appended).
    Column("reversed_by", Uuid, nullable=True),
    Column("multipliers", JsonDocument, nullable=False),
    # an award's quest version at completion (orders it against reopens; null: older events)
    Column("quest_version", Integer, nullable=True),
    UniqueConstraint("user_id", "key"),
    schema=SCHEMA,
)
# At most one *live* award per quest occurrence. The key constraint alone cannot promise this:
# a racing transaction that reads the award count after the winner committed would compute the
# next generation and insert a different key. This partial unique index refuses any second
# unreversed award, whatever key it carries.
Index(
    "uq_gamification_ledger_live_award",
    ledger.c.user_id,
    ledger.c.quest_id,
    ledger.c.occurrence,
    unique=True,
    postgresql_where=(ledger.c.kind == "award") & ledger.c.reversed_by.is_(None),
    sqlite_where=(ledger.c.kind == "award") & ledger.c.reversed_by.is_(None),
)
Index(None, ledger.c.user_id, ledger.c.at)
Index(None, ledger.c.user_id, ledger.c.local_date)
Index(None, ledger.c.user_id, ledger.c.quest_id, ledger.c.occurrence)

players = Table(
    "gamification_players",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("day_start_hour", Integer, nullable=False),
    Column("streak", JsonDocument, nullable=False),
    Column("level", Integer, nullable=False),
    Column("peak_level", Integer, nullable=False),
    Column("opted_out", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_rollover_at", UtcDateTime, nullable=True),
    # when the identity fact last applied to name and zone happened (stale ones are ignored)
    Column("profile_as_of", UtcDateTime, nullable=True),
    # SHA-256 of the account's address (never the address): invitations by email find it
    Column("email_digest", String(64), nullable=True),
    Column("version", Integer, nullable=False),
    schema=SCHEMA,
)
Index(None, players.c.next_rollover_at)
Index(None, players.c.email_digest)

# Every reopen of a done quest occurrence the game has seen: a completion delivered after a
# reopen that followed it awards nothing (questlog_core.gamification.completions).
reopens = Table(
    "gamification_reopens",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("quest_id", Uuid, nullable=False),
    Column("occurrence", Integer, nullable=False),
    Column("quest_version", Integer, nullable=True),
    Column("reopened_at", UtcDateTime, nullable=False),
    schema=SCHEMA,
)
Index(None, reopens.c.user_id, reopens.c.quest_id, reopens.c.occurrence)

# One row per pair of players (user_a < user_b): pending, accepted or blocked.
friendships = Table(
    "gamification_friendships",
    metadata,
    Column("user_a", Uuid, nullable=False),
    Column("user_b", Uuid, nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_by", Uuid, nullable=True),
    Column("blocked_by_a", Boolean, nullable=False),
    Column("blocked_by_b", Boolean, nullable=False),
    Column("since", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("user_a", "user_b"),
    schema=SCHEMA,
)
Index(None, friendships.c.user_b)

# Invitations to an address with no player yet (the address's SHA-256, never the address).
email_invites = Table(
    "gamification_email_invites",
    metadata,
    Column("email_digest", String(64), nullable=False),
    Column("inviter", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("email_digest", "inviter"),
    schema=SCHEMA,
)

# Invitation links: only the token's SHA-256 is stored.
friend_links = Table(
    "gamification_friend_links",
    metadata,
    Column("link_id", Uuid, primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("inviter", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_by", Uuid, nullable=True),
    Column("revoked", Boolean, nullable=False),
    schema=SCHEMA,
)
Index(None, friend_links.c.inviter)

# Public share links of one achievement each: only the token's SHA-256 is stored.
share_links = Table(
    "gamification_share_links",
    metadata,
    Column("link_id", Uuid, primary_key=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("user_id", Uuid, nullable=False),
    Column("achievement_key", String(64), nullable=False),
    Column("show_display_name", Boolean, nullable=False),
    Column("show_level", Boolean, nullable=False),
    Column("show_unlocked_at", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False),
    schema=SCHEMA,
)
Index(None, share_links.c.user_id)

achievements = Table(
    "gamification_achievements",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("progress", JsonDocument, nullable=False),
    schema=SCHEMA,
)

board_scores = Table(
    "gamification_board_scores",
    metadata,
    Column("board", String(16), nullable=False),
    Column("period", String(16), nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("xp", Integer, nullable=False),
    Column("reached_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("board", "period", "user_id"),
    schema=SCHEMA,
)
# The board's order, so "top 10" reads ten index entries.
Index(
    None,
    board_scores.c.board,
    board_scores.c.period,
    board_scores.c.xp.desc(),
    board_scores.c.reached_at,
    board_scores.c.user_id,
)

board_entries = Table(
    "gamification_board_entries",
    metadata,
    Column("user_id", Uuid, nullable=False),
    Column("entry_id", Uuid, nullable=False),
    PrimaryKeyConstraint("user_id", "entry_id"),
    schema=SCHEMA,
)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = [
    "GROUP",
    "SCHEMA",
    "achievements",
    "board_entries",
    "board_scores",
    "dead_letters",
    "email_invites",
    "friend_links",
    "friendships",
    "inbox",
    "ledger",
    "outbox",
    "players",
    "reopens",
    "share_links",
]
