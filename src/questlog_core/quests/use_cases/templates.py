"""Template use cases: save, read, change and delete quest templates, and instantiate them."""

from __future__ import annotations

from typing import Any

from questlog_core.errors import ValidationFailed
from questlog_core.kernel.ids import EventId, QuestId, TemplateId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.events import TemplateInstantiated
from questlog_core.quests.model import Quest
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.templates import QuestTemplate, render
from questlog_core.quests.use_cases.commands import (
    CreateTemplate,
    DeleteTemplate,
    GetTemplate,
    InstantiateTemplate,
    ListTemplates,
    Unset,
    UpdateTemplate,
)
from questlog_core.quests.use_cases.helpers import (
    _link,
    _zone,
)
from questlog_core.quests.use_cases.results import Instantiation


async def create_template(
    cmd: CreateTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> QuestTemplate:
    """Save a reusable quest pattern."""
    async with uow:
        template = QuestTemplate.create(
            id=TemplateId(ids.new_id()),
            owner=cmd.owner,
            name=cmd.name,
            title_pattern=cmd.title_pattern,
            at=clock.now(),
            ids=ids,
            notes=cmd.notes,
            category=cmd.category,
            tags=cmd.tags,
            difficulty=cmd.difficulty,
            priority=cmd.priority,
            estimate_minutes=cmd.estimate_minutes,
            checklist=cmd.checklist,
            steps=cmd.steps,
        )
        await uow.templates.add(template)
        await uow.commit()
    return template


async def list_templates(query: ListTemplates, uow: QuestUnitOfWork) -> list[QuestTemplate]:
    """The owner's templates by name."""
    async with uow:
        return await uow.templates.list(query.owner)


async def get_template(query: GetTemplate, uow: QuestUnitOfWork) -> QuestTemplate:
    """One of the owner's templates (``TemplateNotFound`` for anyone else's)."""
    async with uow:
        return await uow.templates.get(query.owner, query.template_id)


_TEMPLATE_FIELDS: tuple[str, ...] = (
    "name",
    "title_pattern",
    "notes",
    "category",
    "tags",
    "difficulty",
    "priority",
    "estimate_minutes",
    "checklist",
    "steps",
)


async def update_template(
    cmd: UpdateTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> QuestTemplate:
    """Change a template; the result is validated as a whole, exactly like a new template.
    Quests made from it earlier are not touched.

    Raises:
        ValidationFailed: naming the field (``steps`` for a bad step or link).
    """
    async with uow:
        current = await uow.templates.get(cmd.owner, cmd.template_id)
        fields: dict[str, Any] = {name: getattr(current, name) for name in _TEMPLATE_FIELDS}
        fields.update(
            (name, getattr(cmd, name))
            for name in _TEMPLATE_FIELDS
            if not isinstance(getattr(cmd, name), Unset)
        )
        revised = QuestTemplate.create(
            id=current.id, owner=current.owner, at=current.created_at, ids=ids, **fields
        )
        revised.pull_events()  # re-validated, not created
        await uow.templates.update(revised)
        await uow.commit()
    return revised


async def delete_template(
    cmd: DeleteTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Delete a template. Quests made from it stay (their ``template_id`` is history)."""
    async with uow:
        await uow.templates.delete(cmd.owner, cmd.template_id)
        await uow.commit()


async def instantiate_template(
    cmd: InstantiateTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Instantiation:
    """Turn a template into a root quest, its step quests and their edges, in one unit of work.

    Any failure (a missing placeholder value, a rendered title too long, ...) creates nothing.
    """
    zone = _zone(cmd.timezone, "timezone")
    async with uow:
        now = clock.now()
        template = await uow.templates.get(cmd.owner, cmd.template_id)
        values = {"date": now.astimezone(zone).date().isoformat(), **cmd.values}
        root = Quest.create(
            id=QuestId(ids.new_id()),
            owner=cmd.owner,
            title=render(template.title_pattern, values),
            at=now,
            ids=ids,
            notes=template.notes,
            category=template.category,
            tags=template.tags,
            difficulty=template.difficulty,
            priority=template.priority,
            due=cmd.due,
            estimate_minutes=template.estimate_minutes,
            template_id=template.id,
            checklist=template.checklist_items(),
        )
        await uow.quests.add(root)
        steps: list[Quest] = []
        for index, step in enumerate(template.steps):
            try:
                quest = Quest.create(
                    id=QuestId(ids.new_id()),
                    owner=cmd.owner,
                    title=render(step.title_pattern, values, "steps"),
                    at=now,
                    ids=ids,
                    category=template.category,
                    tags=template.tags,
                    difficulty=step.difficulty or template.difficulty,
                    priority=template.priority,
                    estimate_minutes=step.estimate_minutes,
                    parent_id=root.id,
                    template_id=template.id,
                    checklist=step.checklist,
                )
            except ValidationFailed as exc:
                if exc.field == "values":
                    raise
                raise ValidationFailed("steps", f"step {index}: {exc.detail}") from None
            await uow.quests.add(quest)
            steps.append(quest)
        graph = await uow.dependencies.graph_of(cmd.owner, for_update=True)
        for index, step in enumerate(template.steps):
            for before in step.prerequisites(index):
                await _link(uow, graph, cmd.owner, steps[before].id, steps[index].id, now, ids)
        for index in template.final_steps():
            await _link(uow, graph, cmd.owner, steps[index].id, root.id, now, ids)
        uow.record(
            TemplateInstantiated(
                event_id=EventId(ids.new_id()),
                occurred_at=now,
                owner=cmd.owner,
                template_id=template.id,
                root_id=root.id,
                step_ids=tuple(q.id for q in steps),
            )
        )
        await uow.commit()
    return Instantiation(root=root, steps=steps)
