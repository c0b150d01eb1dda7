"""The analytics service's experiment tables (schema ``analytics`` on PostgreSQL).

``analytics_experiments`` holds the definitions (no user data); ``analytics_exposures`` one row
per user and experiment, the first time the user was shown their variant (its primary key makes
"once" hold under concurrent requests), with the completions counted in the window after it.
Declared before the analytics group is gathered (:mod:`adapters.sql.tables.analytics` imports
this module first).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, Uuid

from adapters.sql.tables.base import metadata
from adapters.sql.types import JsonDocument, UtcDateTime

SCHEMA = "analytics"

experiments = Table(
    "analytics_experiments",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    #: ``[{"key": ..., "weight": ...}, ...]``, the control first
    Column("variants", JsonDocument, nullable=False),
    Column("metric", String(32), nullable=False),
    Column("window_days", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("stopped_at", UtcDateTime, nullable=True),
    schema=SCHEMA,
)

exposures = Table(
    "analytics_exposures",
    metadata,
    Column("experiment", String(64), primary_key=True),
    Column("owner", Uuid, primary_key=True),
    Column("variant", String(64), nullable=False),
    Column("exposed_at", UtcDateTime, nullable=False),
    Column("completions", Integer, nullable=False, server_default="0"),
    # a completion looks up its owner's exposures; erasure deletes them
    Index(None, "owner"),
    schema=SCHEMA,
)

__all__ = ["SCHEMA", "experiments", "exposures"]
