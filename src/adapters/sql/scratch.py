"""Throw-away PostgreSQL databases for tests and benchmarks.

Each call creates a uniquely named database on the server, so concurrent runs (two
developers, xdist workers, CI jobs) never see each other's tables, and drops it afterwards
even if the connections were left open.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL, make_url

_SAFE_LABEL = re.compile(r"[^a-z0-9_]+")


def _admin_dsn(server_url: str | URL) -> str:
    url = make_url(server_url) if isinstance(server_url, str) else server_url
    # psycopg wants a libpq URL: no "+driver" and the maintenance database.
    return url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )


def create_database(server_url: str | URL, label: str = "scratch") -> str:
    """Create a fresh, uniquely named database; returns its ``postgresql://`` URL."""
    import psycopg

    clean = _SAFE_LABEL.sub("_", label.lower())[:20]
    name = f"questlog_{clean}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_admin_dsn(server_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    url = make_url(server_url) if isinstance(server_url, str) else server_url
    return url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)


def drop_database(database_url: str | URL) -> None:
    """Drop the database ``database_url`` names, disconnecting anyone still on it."""
    import psycopg

    url = make_url(database_url) if isinstance(database_url, str) else database_url
    name = url.database
    if not name or not name.startswith("questlog_"):
        raise ValueError(f"refusing to drop {name!r}: not a scratch database")
    with psycopg.connect(_admin_dsn(url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@contextmanager
def scratch_database(server_url: str | URL, label: str = "scratch") -> Iterator[str]:
    """A fresh database for the duration of the ``with`` block."""
    url = create_database(server_url, label)
    try:
        yield url
    finally:
        drop_database(url)


__all__ = ["create_database", "drop_database", "scratch_database"]
