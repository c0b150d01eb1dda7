"""The analytics retention job a worker runs every hour, on a real SQLite database: records of
days past ``QUESTLOG_ANALYTICS_RETENTION_DAYS`` go, the rest stay, and 0 keeps everything (no
job is even declared then)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.sql.migrations import upgrade
from apps.container import build_container, close_container
from apps.settings import Settings
from apps.workers.retention import forget_old_records_due
from apps.workers.runtime import EventWorker
from questlog_core.analytics.recording import record_event
from questlog_core.analytics.use_cases import export_page
from questlog_core.events.quests import QuestCompleted
from questlog_core.ids import EventId, QuestId, UserId


def completed(owner: UserId, at: datetime) -> QuestCompleted:
    return QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite:///{tmp_path / 'questlog.db'}"
    upgrade(url)
    return Settings(
        environment="test",
        database_url=url,
        jwt_private_key_path=str(tmp_path / "jwt.pem"),
        analytics_retention_days=90,
    )


async def test_the_job_forgets_what_is_past_the_retention(settings: Settings) -> None:
    container = build_container(settings)
    try:
        owner = UserId(uuid.uuid4())
        now = datetime.now(UTC)
        for days_ago in (1, 89, 91, 365):
            await record_event(
                completed(owner, now - timedelta(days=days_ago)), container.analytics_uow()
            )

        assert await forget_old_records_due(container, settings) == 2
        assert await forget_old_records_due(container, settings) == 0

        kept = await export_page(owner, 0, container.analytics_uow(), limit=10)
        assert sorted((now.date() - r.day).days for r in kept) == [1, 89]
    finally:
        await close_container(container)


def test_a_retention_of_zero_declares_no_job(settings: Settings) -> None:
    import dramatiq

    forever = settings.replace(analytics_retention_days=0, broker="stub")
    worker = EventWorker(forever, ["analytics"], relay=False)
    worker.start()
    try:
        assert "analytics.forget_old_records" not in dramatiq.get_broker().actors
    finally:
        worker.stop()
    kept = settings.replace(broker="stub")
    worker = EventWorker(kept, ["analytics"], relay=False)
    worker.start()
    try:
        assert "analytics.forget_old_records" in dramatiq.get_broker().actors
    finally:
        worker.stop()
