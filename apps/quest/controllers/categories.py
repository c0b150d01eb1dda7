"""Category endpoints: named, coloured labels for quests."""

from __future__ import annotations

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
    QuestBus,
    _created,
    _owner,
)
from apps.quest.schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
)
from questlog_core.identity.rbac import Permission
from questlog_core.ids import CategoryId
from questlog_core.services import quests as svc


class CategoryController(Controller):
    """Named, coloured labels for quests."""

    dependencies = QUEST_BUS

    path = "/api/v1/categories"
    tags = ["categories"]

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_category(
        self,
        data: JSONBody[CategoryIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[CategoryOut]:
        """Create a category (409 when the caller has one by that name, in any case)."""
        command = svc.CreateCategory(owner=_owner(user), name=data.name, color=data.color)
        category = await bus.handle(command)
        return _created(CategoryOut.from_domain(category), f"/api/v1/categories/{category.id}")

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_categories(self, user: CurrentUser, bus: QuestBus) -> list[CategoryOut]:
        found = await bus.handle(svc.ListCategories(owner=_owner(user)))
        return [CategoryOut.from_domain(c) for c in found]

    @get("/{category_id:uuid}", **requires(Permission.QUESTS_READ))
    async def get_category(
        self, category_id: FromPath[UUID], user: CurrentUser, bus: QuestBus
    ) -> CategoryOut:
        query = svc.GetCategory(owner=_owner(user), category_id=CategoryId(category_id))
        return CategoryOut.from_domain(await bus.handle(query))

    @patch("/{category_id:uuid}", **requires(Permission.QUESTS_WRITE))
    async def update_category(
        self,
        category_id: FromPath[UUID],
        data: JSONBody[CategoryPatch],
        user: CurrentUser,
        bus: QuestBus,
    ) -> CategoryOut:
        """Rename (carried over to the quests filed under the old name) or recolour."""
        command = svc.UpdateCategory(
            owner=_owner(user),
            category_id=CategoryId(category_id),
            name=data.name,
            color=data.color,
        )
        return CategoryOut.from_domain(await bus.handle(command))

    @delete(
        "/{category_id:uuid}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.QUESTS_WRITE)
    )
    async def delete_category(
        self,
        category_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> None:
        """Delete a category; quests keep the name as plain text."""
        command = svc.DeleteCategory(owner=_owner(user), category_id=CategoryId(category_id))
        await bus.handle(command)
