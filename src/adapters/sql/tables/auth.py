"""Tables owned by the auth service (schema ``auth`` on PostgreSQL).

Accounts, sign-in sessions ("session families") with their refresh tokens, password-reset
tokens and personal API tokens, plus the service's outbox and inbox, and the counters of the
SQL rate limiter (the login limiter's fallback when Redis is down). No other service's adapter
may use them. Revoked access tokens are not here: they live in the shared revocation feed
(:mod:`questlog_core.ports.sessions`, Redis in production).

* Secrets are never stored: token tables hold the hex SHA-256 of the token, and lookups go
  by that hash (a primary key or a unique index, so a lookup is one index probe).
* ``used_at`` / ``revoked_at`` columns are the compare-and-set targets: ``UPDATE ... SET
  used_at = :now WHERE token_hash = :h AND used_at IS NULL`` lets exactly one of any number
  of concurrent callers win, because the database serialises writers on the row.
* ``email`` holds the normalised address and is unique: two accounts can never share an
  address, even when two registrations race.
* No foreign keys between these tables, on purpose: the port accepts a token for any family
  and a family for any user (as the in-memory adapter does), and every row is reached by its
  user or hash, never by walking a relation.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    SmallInteger,
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
from adapters.sql.types import JsonDocument, UtcDateTime

SCHEMA = "auth"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

#: Token hashes are hex SHA-256 (64 characters); the headroom admits a longer digest later.
_HASH = String(128)

users = Table(
    "auth_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    # normalised (NFKC, trimmed, lower-cased) by the domain before it gets here
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    # role names, sorted (a handful per account; read whole with the account)
    Column("roles", JsonDocument, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("day_start_hour", SmallInteger, nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("tokens_valid_after", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    schema=SCHEMA,
)

#: Identities at external providers (Google, GitHub, OIDC) linked to accounts: one account per
#: (provider, subject), and at most one identity per provider for an account.
external_identities = Table(
    "auth_external_identities",
    metadata,
    Column("provider", String(32), primary_key=True),
    # the provider's stable id of the person (OIDC ``sub``: at most 255 ASCII characters)
    Column("subject", String(255), primary_key=True),
    Column("user_id", Uuid, nullable=False),
    # the address the provider vouched for when the link was made
    Column("email", String(254), nullable=False),
    Column("linked_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id", "provider"),
    schema=SCHEMA,
)

sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=False),
    Column("user_agent", Text, nullable=True),
    Column("ip", Text, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoked_reason", Text, nullable=True),
    schema=SCHEMA,
)
Index(None, sessions.c.user_id, sessions.c.created_at)

refresh_tokens = Table(
    "auth_refresh_tokens",
    metadata,
    Column("token_hash", _HASH, primary_key=True),
    Column("family_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    schema=SCHEMA,
)
Index(None, refresh_tokens.c.family_id)

reset_tokens = Table(
    "auth_reset_tokens",
    metadata,
    Column("token_hash", _HASH, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    schema=SCHEMA,
)
Index(None, reset_tokens.c.user_id)

api_tokens = Table(
    "auth_api_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", _HASH, nullable=False, unique=True),
    # permission names, sorted
    Column("scopes", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    schema=SCHEMA,
)
Index(None, api_tokens.c.user_id, api_tokens.c.created_at)

#: The SQL rate limiter's sliding-window logs (:mod:`adapters.sql.rate_limit`): one row per key,
#: holding the instants (µs since the epoch) of the hits allowed within the key's window. The
#: row is also the key's lock: a hit reads and rewrites it in one transaction.
rate_hits = Table(
    "auth_rate_hits",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("hits", JsonDocument, nullable=False),
    # when the newest hit leaves the window: after it the row means nothing and may be purged
    Column("expires_at", UtcDateTime, nullable=False),
    schema=SCHEMA,
)
Index(None, rate_hits.c.expires_at)

#: Two-step sign-in (:mod:`questlog_core.identity.second_factor`): one authenticator per
#: account, pending until ``confirmed_at`` is set. ``sealed_secret`` is the TOTP secret under
#: authenticated encryption (never the secret itself); ``last_used_step`` is the replay guard,
#: moved forward by ``UPDATE ... WHERE last_used_step IS NULL OR last_used_step < :step``.
second_factors = Table(
    "auth_second_factors",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("method", String(16), nullable=False),
    Column("sealed_secret", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime, nullable=True),
    Column("last_used_step", BigInteger, nullable=True),
    schema=SCHEMA,
)

#: Recovery codes: a keyed hash of each (see ``hash_recovery_code``), spent by compare-and-set.
recovery_codes = Table(
    "auth_recovery_codes",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("code_hash", _HASH, primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    schema=SCHEMA,
)

#: Password sign-ins waiting for their second step (the hash of the challenge token).
sign_in_challenges = Table(
    "auth_sign_in_challenges",
    metadata,
    Column("token_hash", _HASH, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    Column("failures", Integer, nullable=False),
    schema=SCHEMA,
)
Index(None, sign_in_challenges.c.user_id)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = [
    "GROUP",
    "SCHEMA",
    "api_tokens",
    "dead_letters",
    "external_identities",
    "inbox",
    "outbox",
    "rate_hits",
    "recovery_codes",
    "refresh_tokens",
    "reset_tokens",
    "second_factors",
    "sessions",
    "sign_in_challenges",
    "users",
]
