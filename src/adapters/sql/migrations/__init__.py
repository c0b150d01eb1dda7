"""Schema migrations (Alembic) for both databases, usable without an ``alembic.ini``.

The synchronous functions suit scripts and the ``questlog migrate`` command; async code
should await the ``*_async`` variants::

    from adapters.sql.migrations import upgrade, current
    upgrade("sqlite:///var/questlog.db")          # to the newest revision
    current("postgresql://app@db/questlog")       # -> "0003" (or None when empty)

Migration files live in ``versions/`` and are named ``<yyyymmdd>_<rev>_<slug>.py``.

The scripts are history: they name their schemas literally and never read the service list
(a later change to it must not rewrite what an old revision did). What the *models* are
compared against (``questlog migrate revision``) is the table groups the caller passes
(``groups``; the apps pass their registry's) or, by default, every group declared in this
process.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL
from sqlalchemy.engine import Connection

from adapters.sql.engine import make_engine, normalise_url
from adapters.sql.statistics import refresh_statistics
from adapters.sql.tables import TableGroup, declared_groups, metadata_for, schemas_of

MIGRATIONS_DIR = Path(__file__).resolve().parent

#: New migration files get a date prefix so a directory listing reads as a history.
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"

#: The schemas the migration scripts write to, frozen like the scripts themselves (history):
#: on SQLite they are translated away even when this process declared no table group. A
#: new service's first migration creates its schema (on PostgreSQL) and adds it here.
HISTORY_SCHEMAS: Final = (
    "quest",
    "auth",
    "gamification",
    "notification",
    "ai",
    "search",
    "integrations",
    "analytics",
)

_T = TypeVar("_T")


def migrated_schemas(groups: Sequence[TableGroup] | None = None) -> tuple[str, ...]:
    """The schemas a migration run touches: the history's and those of ``groups``
    (default: every declared group)."""
    chosen = declared_groups() if groups is None else groups
    return tuple(dict.fromkeys((*HISTORY_SCHEMAS, *schemas_of(chosen))))


def context_options(
    dialect_name: str, groups: Sequence[TableGroup] | None = None
) -> dict[str, Any]:
    """Alembic ``context.configure`` options for a dialect, comparing ``groups``' tables
    (default: every declared group).

    Shared by ``env.py`` and the models-versus-migrations check so both compare alike:
    batch mode on SQLite (it cannot ALTER most things in place), schema-aware comparison
    restricted to the service schemas on PostgreSQL.
    """
    sqlite = dialect_name == "sqlite"
    ours = set(migrated_schemas(groups))
    # what the migrations create but the tables cannot describe (the search service's
    # ``tsvector`` column and FTS5 tables): left out of the comparison
    unmodelled = {
        name
        for group in (declared_groups() if groups is None else groups)
        for name in group.unmodelled
    }

    def include_modelled(name: str | None, type_: str, parent_names: Any) -> bool:
        return name not in unmodelled

    def include_service_schemas(name: str | None, type_: str, parent_names: Any) -> bool:
        # Compare only Questlog's schemas (a PostgreSQL database may hold others).
        return name in ours if type_ == "schema" else include_modelled(name, type_, parent_names)

    return {
        "target_metadata": metadata_for(dialect_name, groups),
        "render_as_batch": sqlite,
        "include_schemas": not sqlite,
        # SQLite has only its default schema, which holds everything.
        "include_name": include_modelled if sqlite else include_service_schemas,
        "compare_type": True,
        "compare_server_default": False,
    }


def alembic_config(url: str | URL, groups: Sequence[TableGroup] | None = None) -> Config:
    """An Alembic :class:`Config` for ``url``, built in code, comparing ``groups``' tables
    (default: every declared group) when autogenerating."""
    cfg = Config()
    cfg.attributes["table_groups"] = None if groups is None else tuple(groups)
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("timezone", "UTC")
    rendered = normalise_url(url).render_as_string(hide_password=False)
    # ConfigParser interpolation: a literal % in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is not None:
        # New revision files come out formatted like the rest of the code.
        cfg.set_section_option("post_write_hooks", "hooks", "ruff_format")
        cfg.set_section_option("post_write_hooks", "ruff_format.type", "exec")
        cfg.set_section_option("post_write_hooks", "ruff_format.executable", ruff)
        cfg.set_section_option(
            "post_write_hooks", "ruff_format.options", "format REVISION_SCRIPT_FILENAME"
        )
    return cfg


def head_revision() -> str | None:
    """The newest revision in the migration scripts."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def _with_connection(
    url: str | URL,
    work: Callable[[Connection, Config], _T],
    groups: Sequence[TableGroup] | None = None,
) -> _T:
    engine = make_engine(url, pool_size=1, max_overflow=0, schemas=migrated_schemas(groups))
    cfg = alembic_config(url, groups)

    def run(connection: Connection) -> _T:
        cfg.attributes["connection"] = connection
        return work(connection, cfg)

    try:
        async with engine.connect() as connection:
            result = await connection.run_sync(run)
            await connection.commit()
            return result
    finally:
        # Disposing also drops connections whose settings migrations changed.
        await engine.dispose()


async def upgrade_async(
    url: str | URL, revision: str = "head", groups: Sequence[TableGroup] | None = None
) -> None:
    """Apply migrations up to ``revision`` (default: the newest); when that changed the
    schema, refresh the planner's statistics of ``groups``' tables (default: every declared
    group's; see :mod:`adapters.sql.statistics`)."""

    def work(connection: Connection, cfg: Config) -> bool:
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(cfg, revision)
        return before != MigrationContext.configure(connection).get_current_revision()

    if await _with_connection(url, work, groups):
        schemas = migrated_schemas(groups)
        engine = make_engine(url, pool_size=1, max_overflow=0, schemas=schemas)
        try:
            await refresh_statistics(engine, schemas)
        finally:
            await engine.dispose()


async def downgrade_async(url: str | URL, revision: str) -> None:
    """Revert migrations down to ``revision`` (``"base"`` removes every table)."""
    await _with_connection(url, lambda _c, cfg: command.downgrade(cfg, revision))


async def current_async(url: str | URL) -> str | None:
    """The revision the database is at, or ``None`` for an unmigrated database."""
    return await _with_connection(
        url, lambda connection, _cfg: MigrationContext.configure(connection).get_current_revision()
    )


def _run_sync(coroutine: Coroutine[Any, Any, _T]) -> _T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # Called from inside a running loop (a sync fixture, a REPL): run on a private loop in a
    # worker thread. This blocks the caller's loop meanwhile; async code should await the
    # *_async variants instead.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def upgrade(
    url: str | URL, revision: str = "head", groups: Sequence[TableGroup] | None = None
) -> None:
    """Apply migrations up to ``revision`` (default: the newest)."""
    _run_sync(upgrade_async(url, revision, groups))


def downgrade(url: str | URL, revision: str) -> None:
    """Revert migrations down to ``revision`` (``"base"`` removes every table)."""
    _run_sync(downgrade_async(url, revision))


def current(url: str | URL) -> str | None:
    """The revision the database is at, or ``None`` for an unmigrated database."""
    return _run_sync(current_async(url))


def revision(
    url: str | URL,
    message: str,
    *,
    autogenerate: bool = True,
    groups: Sequence[TableGroup] | None = None,
) -> str:
    """Write a new migration file (autogenerated against the database at ``url``, comparing
    ``groups``' tables: the apps pass every service's).

    Returns the new file's path. The database must be at the head revision.
    """

    async def work() -> str:
        def make(_connection: Connection, cfg: Config) -> str:
            # Sequential ids ("0004") keep file names and `current` readable.
            count = sum(1 for _ in ScriptDirectory.from_config(cfg).walk_revisions())
            script = command.revision(
                cfg, message=message, autogenerate=autogenerate, rev_id=f"{count + 1:04d}"
            )
            if script is None or isinstance(script, list):
                raise RuntimeError("alembic produced no single revision")
            return str(script.path)

        return await _with_connection(url, make, groups)

    return _run_sync(work())


__all__ = [
    "HISTORY_SCHEMAS",
    "MIGRATIONS_DIR",
    "alembic_config",
    "context_options",
    "current",
    "current_async",
    "downgrade",
    "downgrade_async",
    "head_revision",
    "migrated_schemas",
    "revision",
    "upgrade",
    "upgrade_async",
]
