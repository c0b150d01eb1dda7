"""Quest progress use cases: the player's own percentage and checklist ticks."""

from __future__ import annotations

from questlog_core.errors import ValidationFailed
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.model import Quest
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases.commands import (
    SetProgress,
    TickChecklistItem,
)
from questlog_core.quests.use_cases.helpers import _change_quest


async def set_progress(
    cmd: SetProgress, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Set the player's own percentage. Reaching 100% does not complete the quest; it records
    ``QuestProgressed(ready_to_complete=True)``.

    Raises:
        ValidationFailed: out of range, or progress is derived (checklist or sub-quests).
    """
    async with uow:
        quest = await uow.quests.get(cmd.owner, cmd.quest_id)
        version = quest.version
        if not quest.checklist and await uow.quests.children(cmd.owner, quest.id):
            raise ValidationFailed("progress", "is derived from the sub-quests")
        quest.set_progress(cmd.progress, at=clock.now(), ids=ids)
        await uow.quests.update(quest, version)
        await uow.commit()
    return quest


async def tick_checklist_item(
    cmd: TickChecklistItem, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Tick or untick a checklist item; the quest's progress follows (and never completes it)."""
    return await _change_quest(
        cmd.owner,
        cmd.quest_id,
        uow,
        clock,
        ids,
        lambda quest, at: quest.tick(cmd.index, bool(cmd.done), at=at, ids=ids),
        refresh_parent=False,
    )
