"""Quest templates and categories repositories (SQL)."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from adapters.sql import dialects
from adapters.sql.quests.rows import _category, _template, _template_values, _text_order
from adapters.sql.tables import quest as t
from questlog_core.errors import AlreadyExists, CategoryNotFound, TemplateNotFound
from questlog_core.ids import CategoryId, TemplateId, UserId
from questlog_core.quests.templates import Category, QuestTemplate

if TYPE_CHECKING:
    from adapters.sql.quests.unit_of_work import SqlQuestUnitOfWork


class SqlTemplateRepository:
    """:class:`~questlog_core.ports.quests.TemplateRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, template_id: TemplateId) -> QuestTemplate:
        query = select(t.templates).where(
            t.templates.c.id == template_id, t.templates.c.owner == owner
        )
        row = (await self._uow.connection.execute(query)).first()
        if row is None:
            raise TemplateNotFound(template_id)
        return _template(row)

    async def add(self, template: QuestTemplate) -> None:
        c = self._uow.connection
        if not await dialects.insert_if_absent(c, t.templates, _template_values(template)):
            raise AlreadyExists("template", template.id)
        self._uow.seen(template)

    async def list(self, owner: UserId) -> builtins.list[QuestTemplate]:
        c = self._uow.connection
        query = (
            select(t.templates)
            .where(t.templates.c.owner == owner)
            .order_by(_text_order(c, t.templates.c.name_key), t.templates.c.id)
        )
        return [_template(r) for r in await c.execute(query)]

    async def update(self, template: QuestTemplate) -> None:
        values = _template_values(template)
        del values["id"], values["owner"], values["created_at"]
        statement = (
            update(t.templates)
            .where(t.templates.c.id == template.id, t.templates.c.owner == template.owner)
            .values(**values)
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise TemplateNotFound(template.id)
        self._uow.seen(template)

    async def delete(self, owner: UserId, template_id: TemplateId) -> None:
        statement = delete(t.templates).where(
            t.templates.c.id == template_id, t.templates.c.owner == owner
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise TemplateNotFound(template_id)


class SqlCategoryRepository:
    """:class:`~questlog_core.ports.quests.CategoryRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, category_id: CategoryId) -> Category:
        query = select(t.categories).where(
            t.categories.c.id == category_id, t.categories.c.owner == owner
        )
        row = (await self._uow.connection.execute(query)).first()
        if row is None:
            raise CategoryNotFound(category_id)
        return _category(row)

    async def add(self, category: Category) -> None:
        c = self._uow.connection
        values = {
            "id": category.id,
            "owner": category.owner,
            "name": category.name,
            "name_key": category.key,
            "color": category.color,
            "created_at": category.created_at,
        }
        if not await dialects.insert_if_absent(c, t.categories, values):
            same_id = (
                await c.execute(select(t.categories.c.id).where(t.categories.c.id == category.id))
            ).first()
            raise AlreadyExists("category", category.id if same_id else category.name)
        self._uow.seen(category)

    async def list(self, owner: UserId) -> builtins.list[Category]:
        c = self._uow.connection
        query = (
            select(t.categories)
            .where(t.categories.c.owner == owner)
            .order_by(_text_order(c, t.categories.c.name_key), t.categories.c.id)
        )
        return [_category(r) for r in await c.execute(query)]

    async def update(self, category: Category) -> None:
        c = self._uow.connection
        cat = t.categories.c
        clash = (
            await c.execute(
                select(cat.id).where(
                    cat.owner == category.owner,
                    cat.name_key == category.key,
                    cat.id != category.id,
                )
            )
        ).first()
        if clash is not None:
            raise AlreadyExists("category", category.name)
        statement = (
            update(t.categories)
            .where(cat.id == category.id, cat.owner == category.owner)
            .values(name=category.name, name_key=category.key, color=category.color)
        )
        try:
            result = await c.execute(statement)
        except IntegrityError:
            # A concurrent transaction took the name between the check and the write.
            raise AlreadyExists("category", category.name) from None
        if result.rowcount != 1:
            raise CategoryNotFound(category.id)
        self._uow.seen(category)

    async def delete(self, owner: UserId, category_id: CategoryId) -> None:
        statement = delete(t.categories).where(
            t.categories.c.id == category_id, t.categories.c.owner == owner
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise CategoryNotFound(category_id)
