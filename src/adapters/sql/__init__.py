"""SQL adapters: SQLite (embedded default) and PostgreSQL through SQLAlchemy 2 async.

* :mod:`.engine` — :func:`~adapters.sql.engine.make_engine` for either database;
* :mod:`.tables` — SQLAlchemy Core tables, one module (and PostgreSQL schema) per service;
* :mod:`.messaging` — transactional outbox and idempotency inbox;
* :mod:`.migrations` — Alembic history and its programmatic API;
* :mod:`.quests`, :mod:`.gamification` — repositories and units of work of those services.

The domain classes know nothing of SQLAlchemy: repositories translate rows to entities
explicitly (see ``docs/persistence.md`` for why).
"""
