"""The quests part: quest units of work (reading and writing), the quest read cache, and
the file storage of attachments.

What one cached quest looks like is the quest service's business (its HTTP shape), so this
part does not know it: ``quest_views`` is the service's read model, which its registry entry
plugs in (``apps.quest.reads.provide``, see :func:`apps.container.build_container`).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.caching import CachedQuestReads, InvalidatingQuestUnitOfWork, OwnerInvalidation
from adapters.memory.clock import SystemClock
from adapters.memory.imports import InMemoryImportLinks
from adapters.memory.quests import InMemoryQuestStore, InMemoryQuestUnitOfWork
from adapters.sql.imports import SqlImportLinks
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.storage.local import LocalFileStorage
from apps.container.platform import Platform
from apps.settings import Settings
from questlog_core.moving.ports import ImportTransaction


def reading_quest_uow(engine: AsyncEngine, clock: SystemClock) -> SqlQuestUnitOfWork:
    """A quest unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlQuestUnitOfWork(engine, clock).reading()


def sql_import_transaction(
    engine: AsyncEngine, clock: SystemClock, reads: OwnerInvalidation
) -> ImportTransaction:
    """One import batch on SQL: a quest unit of work that invalidates cached reads on commit,
    and the import links on its connection."""
    inner = SqlQuestUnitOfWork(engine, clock)
    return ImportTransaction(
        uow=InvalidatingQuestUnitOfWork(inner, reads), links=SqlImportLinks(inner)
    )


def memory_import_transaction(
    store: InMemoryQuestStore, links: dict[Any, Any], reads: OwnerInvalidation
) -> ImportTransaction:
    """One import batch in memory (see :func:`sql_import_transaction`)."""
    inner = InMemoryQuestUnitOfWork(store)
    return ImportTransaction(
        uow=InvalidatingQuestUnitOfWork(inner, reads), links=InMemoryImportLinks(inner, links)
    )


def _s3_storage(settings: Settings) -> Any:
    from adapters.storage.s3 import S3FileStorage

    return S3FileStorage(settings.s3_bucket, endpoint_url=settings.s3_endpoint_url)


def _storage_signing_key(settings: Settings) -> bytes:
    """The key that signs local upload/download URLs: kept beside the data, made once."""
    path = Path(settings.storage_dir) / ".signing-key"
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    path.write_bytes(key)
    path.chmod(0o600)
    return key


class QuestsPart(Platform):
    """Quests and their attachments (see the module docstring)."""

    quest_store = providers.Singleton(InMemoryQuestStore)
    #: units of work for queries (GET): never take SQLite's write lock, never commit
    quest_reader_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryQuestUnitOfWork, store=quest_store),
        sql=providers.Factory(reading_quest_uow, engine=Platform.engine, clock=Platform.clock),
    )
    #: one quest as the API shows it, read through ``quest_reader_uow`` (plugged in by the
    #: quest service: it has ``get(owner, quest_id)`` and the ``shape`` the cache stores)
    quest_views: providers.Dependency[Any] = providers.Dependency()
    #: GET one quest: read-aside through the cache (in process, or Redis in production)
    quest_reads = providers.Singleton(
        CachedQuestReads,
        quest_views,
        Platform.cache,
        Platform.ids,
        quest_views.provided.shape,
    )
    #: pages of the listing through the cache, in the same owner generation as
    #: ``quest_reads`` (plugged in by the quest service with its page shape)
    quest_pages: providers.Dependency[Any] = providers.Dependency()
    #: every quest write path: committing invalidates the written owners' cached reads
    quest_uow = providers.Factory(
        InvalidatingQuestUnitOfWork,
        providers.Selector(
            Platform.config.database_kind,
            memory=providers.Factory(InMemoryQuestUnitOfWork, store=quest_store),
            sql=providers.Factory(SqlQuestUnitOfWork, engine=Platform.engine, clock=Platform.clock),
        ),
        quest_reads,
    )
    #: one batch of an import (``questlog import``, ``POST /api/v1/quests/import``)
    import_links_store: providers.Singleton[dict[Any, Any]] = providers.Singleton(dict)
    import_transaction = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(
            memory_import_transaction, quest_store, import_links_store, quest_reads
        ),
        sql=providers.Factory(sql_import_transaction, Platform.engine, Platform.clock, quest_reads),
    )
    file_storage = providers.Selector(
        Platform.config.storage,
        local=providers.Singleton(
            LocalFileStorage,
            Platform.config.storage_dir,
            providers.Callable(_storage_signing_key, Platform.settings),
            Platform.config.public_url,
            clock=Platform.clock,
        ),
        s3=providers.Singleton(_s3_storage, Platform.settings),
    )


__all__ = ["QuestsPart", "reading_quest_uow"]
