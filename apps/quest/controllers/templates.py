"""Quest template endpoints: CRUD and instantiation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import (
    CurrentUser,
)
from apps.http.permissions import requires
from apps.quest.controllers._shared import (
    QUEST_BUS,
    QUESTS_PATH,
    QuestBus,
    TimezoneHeader,
    _created,
    _owner,
    _patched,
    owner_timezone,
)
from apps.quest.schemas import (
    InstantiateIn,
    InstantiationOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
)
from questlog_core.identity.rbac import Permission
from questlog_core.ids import TemplateId
from questlog_core.services import quests as svc


def _template_value(name: str, value: Any) -> Any:
    if name == "steps":
        return tuple(s.to_domain() for s in value)
    if name in {"tags", "checklist"}:
        return tuple(value)
    return value


class TemplateController(Controller):
    """Reusable quest patterns: CRUD and instantiation."""

    dependencies = QUEST_BUS

    path = "/api/v1/templates"
    tags = ["templates"]

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_template(
        self,
        data: JSONBody[TemplateIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[TemplateOut]:
        """Save a template (placeholders like ``{client}`` in the title patterns)."""
        command = svc.CreateTemplate(
            owner=_owner(user),
            name=data.name,
            title_pattern=data.title_pattern,
            notes=data.notes,
            category=data.category,
            tags=tuple(data.tags),
            difficulty=data.difficulty,
            priority=data.priority,
            estimate_minutes=data.estimate_minutes,
            checklist=tuple(data.checklist),
            steps=tuple(s.to_domain() for s in data.steps),
        )
        template = await bus.handle(command)
        return _created(TemplateOut.from_domain(template), f"/api/v1/templates/{template.id}")

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_templates(self, user: CurrentUser, bus: QuestBus) -> list[TemplateOut]:
        """The caller's templates by name."""
        found = await bus.handle(svc.ListTemplates(owner=_owner(user)))
        return [TemplateOut.from_domain(t) for t in found]

    @get("/{template_id:uuid}", **requires(Permission.QUESTS_READ))
    async def get_template(
        self, template_id: FromPath[UUID], user: CurrentUser, bus: QuestBus
    ) -> TemplateOut:
        query = svc.GetTemplate(owner=_owner(user), template_id=TemplateId(template_id))
        return TemplateOut.from_domain(await bus.handle(query))

    @patch("/{template_id:uuid}", **requires(Permission.QUESTS_WRITE))
    async def update_template(
        self,
        template_id: FromPath[UUID],
        data: JSONBody[TemplatePatch],
        user: CurrentUser,
        bus: QuestBus,
    ) -> TemplateOut:
        """Change some fields; the template is re-validated as a whole."""
        command = svc.UpdateTemplate(
            owner=_owner(user),
            template_id=TemplateId(template_id),
            **_patched(data, _template_value),
        )
        return TemplateOut.from_domain(await bus.handle(command))

    @delete(
        "/{template_id:uuid}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.QUESTS_WRITE)
    )
    async def delete_template(
        self,
        template_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> None:
        """Delete a template; quests made from it stay."""
        command = svc.DeleteTemplate(owner=_owner(user), template_id=TemplateId(template_id))
        await bus.handle(command)

    @post(
        "/{template_id:uuid}/instantiate",
        status_code=HTTP_201_CREATED,
        **requires(Permission.QUESTS_WRITE),
    )
    async def instantiate(
        self,
        template_id: FromPath[UUID],
        data: JSONBody[InstantiateIn],
        user: CurrentUser,
        bus: QuestBus,
        timezone: TimezoneHeader = None,
    ) -> Response[InstantiationOut]:
        """Make the root quest, its step quests and their dependencies, all or nothing."""
        command = svc.InstantiateTemplate(
            owner=_owner(user),
            template_id=TemplateId(template_id),
            values=dict(data.values),
            due=data.due,
            timezone=data.timezone if data.timezone is not None else owner_timezone(timezone),
        )
        made = await bus.handle(command)
        return _created(InstantiationOut.from_domain(made), f"{QUESTS_PATH}/{made.root.id}")
