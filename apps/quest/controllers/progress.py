"""Quest status endpoints: start, complete, reopen, abandon, archive, progress, checklist."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, post, put
from litestar.params import FromPath, JSONBody

from apps.http.dependencies import (
    CurrentUser,
)
from apps.http.permissions import requires
from apps.quest.controllers._shared import (
    QUEST_BUS,
    QUESTS_PATH,
    QuestBus,
    TimezoneHeader,
    _owner,
    _with_etag,
    owner_timezone,
)
from apps.quest.schemas import (
    ChecklistTickIn,
    CompletionOut,
    ProgressIn,
    QuestOut,
)
from questlog_core.identity.rbac import Permission
from questlog_core.ids import QuestId
from questlog_core.services import quests as svc


class QuestProgressController(Controller):
    """A quest's status changes, progress and checklist."""

    dependencies = QUEST_BUS

    path = QUESTS_PATH + "/{quest_id:uuid}"
    tags = ["quests"]

    @post("/start", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def start(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """todo → active."""
        command = svc.StartQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await bus.handle(command))

    @post("/complete", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def complete(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
        timezone: TimezoneHeader = None,
    ) -> CompletionOut:
        """Complete a quest (409 ``quest-blocked`` listing unfinished prerequisites)."""
        command = svc.CompleteQuest(
            owner=_owner(user), quest_id=QuestId(quest_id), owner_timezone=owner_timezone(timezone)
        )
        return CompletionOut.from_domain(await bus.handle(command))

    @post("/reopen", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def reopen(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """done → todo within 24 h of completion; abandoned → todo any time."""
        command = svc.ReopenQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await bus.handle(command))

    @post("/abandon", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def abandon(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """todo/active → abandoned (it stops blocking its dependents)."""
        command = svc.AbandonQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await bus.handle(command))

    @post("/archive", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def archive(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """Any status → archived (read-only, hidden from default listings)."""
        command = svc.ArchiveQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await bus.handle(command))

    @put("/progress", **requires(Permission.QUESTS_WRITE))
    async def set_progress(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[ProgressIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """Set the percentage (0..100) of a quest without a checklist or sub-quests."""
        command = svc.SetProgress(
            owner=_owner(user), quest_id=QuestId(quest_id), progress=data.progress
        )
        return _with_etag(await bus.handle(command))

    @put("/checklist/{index:int}", **requires(Permission.QUESTS_WRITE))
    async def tick_checklist_item(
        self,
        quest_id: FromPath[UUID],
        index: FromPath[int],
        data: JSONBody[ChecklistTickIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """Tick (``done: true``) or untick checklist item ``index``; progress follows."""
        command = svc.TickChecklistItem(
            owner=_owner(user), quest_id=QuestId(quest_id), index=index, done=data.done
        )
        return _with_etag(await bus.handle(command))
