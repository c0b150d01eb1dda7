"""Category use cases: create, read, rename or recolour, and delete categories."""

from __future__ import annotations

from questlog_core.kernel.ids import CategoryId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.templates import Category
from questlog_core.quests.use_cases.commands import (
    CreateCategory,
    DeleteCategory,
    GetCategory,
    ListCategories,
    Unset,
    UpdateCategory,
)
from questlog_core.quests.use_cases.helpers import _rename_category


async def create_category(
    cmd: CreateCategory, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Category:
    """Create a category; ``AlreadyExists`` if the owner has one by that name."""
    async with uow:
        category = Category.create(
            id=CategoryId(ids.new_id()),
            owner=cmd.owner,
            name=cmd.name,
            color=cmd.color,
            at=clock.now(),
            ids=ids,
        )
        await uow.categories.add(category)
        await uow.commit()
    return category


async def list_categories(query: ListCategories, uow: QuestUnitOfWork) -> list[Category]:
    """The owner's categories by name."""
    async with uow:
        return await uow.categories.list(query.owner)


async def get_category(query: GetCategory, uow: QuestUnitOfWork) -> Category:
    """One of the owner's categories (``CategoryNotFound`` for anyone else's)."""
    async with uow:
        return await uow.categories.get(query.owner, query.category_id)


async def update_category(
    cmd: UpdateCategory, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Category:
    """Rename or recolour a category. A rename carries over to the owner's quests filed under
    the old name, in the same unit of work (archived ones included: the label is not content).

    Raises:
        AlreadyExists: the owner has another category by the new name.
        ValidationFailed: naming ``name`` or ``color``.
    """
    async with uow:
        current = await uow.categories.get(cmd.owner, cmd.category_id)
        revised = Category.create(
            id=current.id,
            owner=current.owner,
            name=current.name if isinstance(cmd.name, Unset) else cmd.name,
            color=current.color if isinstance(cmd.color, Unset) else cmd.color,
            at=current.created_at,
            ids=ids,
        )
        revised.pull_events()  # re-validated, not created
        await uow.categories.update(revised)
        if revised.name != current.name:
            await _rename_category(uow, cmd.owner, current.name, revised.name, clock.now(), ids)
        await uow.commit()
    return revised


async def delete_category(
    cmd: DeleteCategory, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Delete a category. Quests filed under it keep the name as plain text."""
    async with uow:
        await uow.categories.delete(cmd.owner, cmd.category_id)
        await uow.commit()
