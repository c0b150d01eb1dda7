"""Quest editing use cases: create (one or in bulk), update and delete."""

from __future__ import annotations

from questlog_core.errors import ValidationFailed
from questlog_core.kernel.ids import EventId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.events import AttachmentsDiscarded, DependencyRemoved
from questlog_core.quests.model import (
    Quest,
    QuestStatus,
)
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases.commands import (
    MAX_BULK_QUESTS,
    UNSET,
    CreateQuest,
    CreateQuests,
    DeleteQuest,
    UpdateQuest,
)
from questlog_core.quests.use_cases.helpers import (
    _add_new_quest,
    _check_parent,
    _get_at_version,
    _refresh_parent,
)


async def create_quest(
    cmd: CreateQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Create a todo quest (optionally as a sub-quest of one of the owner's quests)."""
    async with uow:
        quest = await _add_new_quest(cmd, uow, clock, ids)
        await uow.commit()
    return quest


async def create_quests(
    cmd: CreateQuests, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> list[Quest]:
    """Create several quests at once, all or nothing, in the order given.

    Raises:
        ValidationFailed: naming the item, e.g. field ``quests[2].title``; nothing is created.
    """
    if not cmd.quests:
        raise ValidationFailed("quests", "must not be empty")
    if len(cmd.quests) > MAX_BULK_QUESTS:
        raise ValidationFailed("quests", f"at most {MAX_BULK_QUESTS} quests at once")
    created: list[Quest] = []
    async with uow:
        for index, item in enumerate(cmd.quests):
            if item.owner != cmd.owner:
                raise ValidationFailed(f"quests[{index}].owner", "must be the caller")
            try:
                created.append(await _add_new_quest(item, uow, clock, ids))
            except ValidationFailed as exc:
                raise ValidationFailed(
                    f"quests[{index}].{exc.field}", exc.reason, allowed=exc.allowed
                ) from None
        await uow.commit()
    return created


async def update_quest(
    cmd: UpdateQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Edit fields of a quest the caller saw at ``expected_version``.

    Raises:
        ConcurrencyConflict: the quest changed since (someone else won).
        QuestLocked: the quest is archived.
        ValidationFailed: naming the field.
    """
    changes = {
        name: getattr(cmd, name)
        for name in cmd.__struct_fields__
        if name not in {"owner", "quest_id", "expected_version"} and getattr(cmd, name) is not UNSET
    }
    async with uow:
        quest = await _get_at_version(uow, cmd.owner, cmd.quest_id, cmd.expected_version)
        old_parent = quest.parent_id
        now = clock.now()
        if changes.get("parent_id") is not None:
            await _check_parent(uow, quest, changes["parent_id"])
        changed = quest.revise(changes, at=now, ids=ids)
        if changed:
            await uow.quests.update(quest, cmd.expected_version)
            if "parent_id" in changed:
                await _refresh_parent(uow, cmd.owner, old_parent, now, ids)
                await _refresh_parent(uow, cmd.owner, quest.parent_id, now, ids)
        await uow.commit()
    return quest


async def delete_quest(
    cmd: DeleteQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Delete a quest with its dependency edges and attachments; its sub-quests become
    top-level quests. The attachments' files are removed after the commit, by the subscriber
    of :class:`AttachmentsDiscarded` (see :func:`~.attachments.discard_files`)."""
    async with uow:
        quest = (
            await uow.quests.get(cmd.owner, cmd.quest_id)
            if cmd.expected_version is None
            else await _get_at_version(uow, cmd.owner, cmd.quest_id, cmd.expected_version)
        )
        now = clock.now()
        for prerequisite, dependent in await uow.dependencies.remove_quest(cmd.owner, quest.id):
            uow.record(
                DependencyRemoved(
                    event_id=EventId(ids.new_id()),
                    occurred_at=now,
                    owner=cmd.owner,
                    prerequisite_id=prerequisite,
                    dependent_id=dependent,
                )
            )
        for child in await uow.quests.children(cmd.owner, quest.id):
            version = child.version
            if child.status is QuestStatus.ARCHIVED:
                # Archived quests are read-only to players, but a dangling parent is worse.
                child.parent_id = None
            else:
                child.revise({"parent_id": None}, at=now, ids=ids)
            await uow.quests.update(child, version)
        discarded = await uow.attachments.remove_quest(cmd.owner, quest.id)
        quest.mark_deleted(at=now, ids=ids)
        if discarded:
            # The files go after the commit, driven by this event: a rolled-back delete keeps
            # them, and a file is never removed while its attachment is still recorded.
            uow.record(
                AttachmentsDiscarded(
                    event_id=EventId(ids.new_id()),
                    occurred_at=now,
                    owner=cmd.owner,
                    quest_id=quest.id,
                    attachment_ids=tuple(a.id for a in discarded),
                )
            )
        await uow.quests.delete(cmd.owner, quest.id)
        await _refresh_parent(uow, cmd.owner, quest.parent_id, now, ids)
        await uow.commit()
