"""Contract of template and category updates/deletes and of attachment metadata: the same
assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from questlog_core.errors import (
    AlreadyExists,
    AttachmentNotFound,
    CategoryNotFound,
    TemplateNotFound,
)
from questlog_core.ids import AttachmentId, CategoryId, QuestId, TemplateId, UserId
from questlog_core.quests.attachments import Attachment, AttachmentState
from questlog_core.quests.model import Difficulty
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep

from .conftest import QuestBackend
from .quest_builders import IDS, T0, later, new_quest, new_user


def _template(owner: UserId, name: str = "Weekly review") -> QuestTemplate:
    return QuestTemplate.create(
        id=TemplateId(uuid.uuid4()),
        owner=owner,
        name=name,
        title_pattern="Review {date}",
        at=T0,
        ids=IDS,
        steps=(TemplateStep("Gather notes"),),
    )


def _category(owner: UserId, name: str = "Work") -> Category:
    return Category.create(id=CategoryId(uuid.uuid4()), owner=owner, name=name, at=T0, ids=IDS)


def _attachment(owner: UserId, quest_id: QuestId, *, minutes: int = 0) -> Attachment:
    return Attachment.create(
        id=AttachmentId(uuid.uuid4()),
        owner=owner,
        quest_id=quest_id,
        filename="map.png",
        content_type="image/png",
        size=1234,
        at=later(minutes),
        stored=False,
    )


async def _add(backend: QuestBackend, *things: object) -> None:
    async with backend.uow() as uow:
        for thing in things:
            if isinstance(thing, QuestTemplate):
                await uow.templates.add(thing)
            elif isinstance(thing, Category):
                await uow.categories.add(thing)
            elif isinstance(thing, Attachment):
                await uow.attachments.add(thing)
            else:
                await uow.quests.add(thing)
        await uow.commit()


# -- templates ----------------------------------------------------------------------------


async def test_an_updated_template_comes_back_changed(quest_backend: QuestBackend) -> None:
    owner = new_user()
    template = _template(owner)
    await _add(quest_backend, template)
    revised = QuestTemplate.create(
        id=template.id,
        owner=owner,
        name="Monthly review",
        title_pattern="Month {date}",
        at=T0,
        ids=IDS,
        difficulty=Difficulty.HARD,
        steps=(TemplateStep("One"), TemplateStep("Two", after=())),
    )
    async with quest_backend.uow() as uow:
        await uow.templates.update(revised)
        await uow.commit()
    async with quest_backend.uow() as uow:
        stored = await uow.templates.get(owner, template.id)
        names = [t.name for t in await uow.templates.list(owner)]
    assert (stored.name, stored.title_pattern, stored.difficulty) == (
        "Monthly review",
        "Month {date}",
        Difficulty.HARD,
    )
    assert [s.after for s in stored.steps] == [None, ()]
    assert stored.created_at == T0
    assert names == ["Monthly review"]


async def test_a_deleted_template_is_gone_and_only_its_owner_can_touch_it(
    quest_backend: QuestBackend,
) -> None:
    owner, other = new_user(), new_user()
    template = _template(owner)
    await _add(quest_backend, template)
    async with quest_backend.uow() as uow:
        with pytest.raises(TemplateNotFound):
            await uow.templates.delete(other, template.id)
        stolen = _template(other)
        stolen.id = template.id
        with pytest.raises(TemplateNotFound):
            await uow.templates.update(stolen)
    async with quest_backend.uow() as uow:
        await uow.templates.delete(owner, template.id)
        await uow.commit()
    async with quest_backend.uow() as uow:
        with pytest.raises(TemplateNotFound):
            await uow.templates.get(owner, template.id)
        with pytest.raises(TemplateNotFound):
            await uow.templates.delete(owner, template.id)
        assert await uow.templates.list(owner) == []


async def test_a_rolled_back_template_delete_changes_nothing(quest_backend: QuestBackend) -> None:
    owner = new_user()
    template = _template(owner)
    await _add(quest_backend, template)
    async with quest_backend.uow() as uow:
        await uow.templates.delete(owner, template.id)
        await uow.rollback()
    async with quest_backend.uow() as uow:
        assert (await uow.templates.get(owner, template.id)).name == "Weekly review"


# -- categories ---------------------------------------------------------------------------


async def test_a_renamed_category_keeps_its_id_and_takes_the_new_name(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    work = _category(owner, "Work")
    await _add(quest_backend, work)
    renamed = Category.create(id=work.id, owner=owner, name="Job", color="#1E90FF", at=T0, ids=IDS)
    async with quest_backend.uow() as uow:
        await uow.categories.update(renamed)
        await uow.commit()
    async with quest_backend.uow() as uow:
        stored = await uow.categories.get(owner, work.id)
        listed = [c.name for c in await uow.categories.list(owner)]
    assert (stored.name, stored.color) == ("Job", "#1e90ff")
    assert listed == ["Job"]
    # The old name is free again.
    await _add(quest_backend, _category(owner, "work"))


async def test_renaming_onto_another_category_name_is_refused(
    quest_backend: QuestBackend,
) -> None:
    owner, other = new_user(), new_user()
    work, home = _category(owner, "Work"), _category(owner, "Home")
    await _add(quest_backend, work, home, _category(other, "Garden"))
    clash = Category.create(id=home.id, owner=owner, name="WORK", at=T0, ids=IDS)
    async with quest_backend.uow() as uow:
        with pytest.raises(AlreadyExists):
            await uow.categories.update(clash)
    # Another owner's name is no clash.
    garden = Category.create(id=home.id, owner=owner, name="Garden", at=T0, ids=IDS)
    async with quest_backend.uow() as uow:
        await uow.categories.update(garden)
        await uow.commit()
    async with quest_backend.uow() as uow:
        assert [c.name for c in await uow.categories.list(owner)] == ["Garden", "Work"]


async def test_a_deleted_category_is_gone_and_only_its_owner_can_delete_it(
    quest_backend: QuestBackend,
) -> None:
    owner, other = new_user(), new_user()
    work = _category(owner)
    await _add(quest_backend, work)
    async with quest_backend.uow() as uow:
        with pytest.raises(CategoryNotFound):
            await uow.categories.delete(other, work.id)
        foreign = Category.create(id=work.id, owner=other, name="Mine", at=T0, ids=IDS)
        with pytest.raises(CategoryNotFound):
            await uow.categories.update(foreign)
    async with quest_backend.uow() as uow:
        await uow.categories.delete(owner, work.id)
        await uow.commit()
    async with quest_backend.uow() as uow:
        with pytest.raises(CategoryNotFound):
            await uow.categories.get(owner, work.id)
        assert await uow.categories.list(owner) == []
    # The name can be used again.
    await _add(quest_backend, _category(owner, "Work"))


# -- attachments --------------------------------------------------------------------------


async def test_attachments_are_stored_listed_updated_and_deleted(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    first, second = _attachment(owner, quest.id), _attachment(owner, quest.id, minutes=1)
    await _add(quest_backend, quest, second, first)
    async with quest_backend.uow() as uow:
        listed = await uow.attachments.list(owner, quest.id)
        assert [a.id for a in listed] == [first.id, second.id]
        got = await uow.attachments.get(owner, quest.id, first.id)
        assert (got.filename, got.content_type, got.size, got.state) == (
            "map.png",
            "image/png",
            1234,
            AttachmentState.PENDING,
        )
        got.mark_stored(999, later(5))
        await uow.attachments.update(got)
        await uow.attachments.delete(owner, quest.id, second.id)
        await uow.commit()
    async with quest_backend.uow() as uow:
        stored = await uow.attachments.get(owner, quest.id, first.id)
        assert (stored.state, stored.size, stored.stored_at) == (
            AttachmentState.STORED,
            999,
            later(5),
        )
        with pytest.raises(AttachmentNotFound):
            await uow.attachments.get(owner, quest.id, second.id)
        removed = await uow.attachments.remove_quest(owner, quest.id)
        await uow.commit()
    assert [a.id for a in removed] == [first.id]
    async with quest_backend.uow() as uow:
        assert await uow.attachments.list(owner, quest.id) == []


async def test_another_owner_or_quest_never_sees_an_attachment(
    quest_backend: QuestBackend,
) -> None:
    owner, other = new_user(), new_user()
    quest, elsewhere = new_quest(owner), new_quest(owner)
    attachment = _attachment(owner, quest.id)
    await _add(quest_backend, quest, elsewhere, attachment)
    async with quest_backend.uow() as uow:
        with pytest.raises(AttachmentNotFound):
            await uow.attachments.get(other, quest.id, attachment.id)
        with pytest.raises(AttachmentNotFound):
            await uow.attachments.get(owner, elsewhere.id, attachment.id)
        with pytest.raises(AttachmentNotFound):
            await uow.attachments.delete(other, quest.id, attachment.id)
        assert await uow.attachments.list(other, quest.id) == []
        assert await uow.attachments.remove_quest(other, quest.id) == []
        with pytest.raises(AlreadyExists):
            await uow.attachments.add(attachment)
    async with quest_backend.uow() as uow:
        assert len(await uow.attachments.list(owner, quest.id)) == 1
