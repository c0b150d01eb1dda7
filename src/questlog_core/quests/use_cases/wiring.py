"""Every quest command and query mapped to its use case, for the message bus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases.categories import (
    create_category,
    delete_category,
    get_category,
    list_categories,
    update_category,
)
from questlog_core.quests.use_cases.commands import (
    AbandonQuest,
    AddDependency,
    ArchiveQuest,
    CompleteQuest,
    CreateCategory,
    CreateQuest,
    CreateQuests,
    CreateTemplate,
    DeleteCategory,
    DeleteQuest,
    DeleteTemplate,
    GetCategory,
    GetQuest,
    GetTemplate,
    InstantiateTemplate,
    ListCategories,
    ListDependencies,
    ListQuests,
    ListTemplates,
    PlanQuests,
    RemoveDependency,
    ReopenQuest,
    SetProgress,
    StartQuest,
    TickChecklistItem,
    UpdateCategory,
    UpdateQuest,
    UpdateTemplate,
)
from questlog_core.quests.use_cases.dependencies import (
    add_dependency,
    list_dependencies,
    remove_dependency,
)
from questlog_core.quests.use_cases.editing import (
    create_quest,
    create_quests,
    delete_quest,
    update_quest,
)
from questlog_core.quests.use_cases.lifecycle import (
    abandon_quest,
    archive_quest,
    complete_quest,
    reopen_quest,
    start_quest,
)
from questlog_core.quests.use_cases.listing import (
    get_quest,
    list_quests,
    plan_quests,
)
from questlog_core.quests.use_cases.progress import (
    set_progress,
    tick_checklist_item,
)
from questlog_core.quests.use_cases.templates import (
    create_template,
    delete_template,
    get_template,
    instantiate_template,
    list_templates,
    update_template,
)

Handler = Callable[[Any, QuestUnitOfWork], Awaitable[Any]]

#: the messages that only read (the bus gives them a read-only unit of work)
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {
        GetQuest,
        ListQuests,
        ListDependencies,
        PlanQuests,
        ListTemplates,
        GetTemplate,
        ListCategories,
        GetCategory,
    }
)


def handlers(clock: Clock, ids: IdFactory) -> dict[type[msgspec.Struct], Handler]:
    """Every quest command and query mapped to its use case, ready for the message bus."""

    def bind(use_case: Callable[..., Awaitable[Any]], *, ports: bool = True) -> Handler:
        async def handle(command: Any, uow: QuestUnitOfWork) -> Any:
            if ports:
                return await use_case(command, uow, clock, ids)
            return await use_case(command, uow)

        return handle

    return {
        CreateQuest: bind(create_quest),
        CreateQuests: bind(create_quests),
        GetQuest: bind(get_quest, ports=False),
        ListQuests: bind(list_quests, ports=False),
        UpdateQuest: bind(update_quest),
        DeleteQuest: bind(delete_quest),
        StartQuest: bind(start_quest),
        CompleteQuest: bind(complete_quest),
        ReopenQuest: bind(reopen_quest),
        AbandonQuest: bind(abandon_quest),
        ArchiveQuest: bind(archive_quest),
        SetProgress: bind(set_progress),
        TickChecklistItem: bind(tick_checklist_item),
        AddDependency: bind(add_dependency),
        RemoveDependency: bind(remove_dependency),
        ListDependencies: bind(list_dependencies, ports=False),
        PlanQuests: bind(plan_quests, ports=False),
        CreateTemplate: bind(create_template),
        ListTemplates: bind(list_templates, ports=False),
        GetTemplate: bind(get_template, ports=False),
        UpdateTemplate: bind(update_template),
        DeleteTemplate: bind(delete_template),
        InstantiateTemplate: bind(instantiate_template),
        CreateCategory: bind(create_category),
        ListCategories: bind(list_categories, ports=False),
        GetCategory: bind(get_category, ports=False),
        UpdateCategory: bind(update_category),
        DeleteCategory: bind(delete_category),
    }
