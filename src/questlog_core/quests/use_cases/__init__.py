"""Quest use cases: one function per command or query.

Each takes a frozen ``msgspec`` command (what the caller asked for, owner included) and the
ports it needs, runs inside one unit of work and returns a result or raises a domain error.
Nothing is half-applied: an error anywhere leaves the unit of work uncommitted, so it rolls back.
The entity decides (status machine, validation); the use case fetches, orchestrates and commits.

The use cases live in submodules by group (``editing``, ``listing``, ``lifecycle``,
``progress``, ``dependencies``, ``templates``, ``categories``) with their ``commands`` and
``results``; ``wiring`` maps each command to its use case. Everything is re-exported here.
"""

from __future__ import annotations

from questlog_core.quests.model import Quest as Quest
from questlog_core.quests.use_cases.categories import (
    create_category,
    delete_category,
    get_category,
    list_categories,
    update_category,
)
from questlog_core.quests.use_cases.commands import (
    MAX_BULK_QUESTS,
    MAX_PARENT_DEPTH,
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
from questlog_core.quests.use_cases.commands import UNSET as UNSET
from questlog_core.quests.use_cases.commands import Unset as Unset
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
    list_quests_as,
    plan_quests,
)
from questlog_core.quests.use_cases.progress import (
    set_progress,
    tick_checklist_item,
)
from questlog_core.quests.use_cases.results import (
    Completion,
    DependencyView,
    Instantiation,
    QuestPlan,
)
from questlog_core.quests.use_cases.templates import (
    create_template,
    delete_template,
    get_template,
    instantiate_template,
    list_templates,
    update_template,
)
from questlog_core.quests.use_cases.wiring import Handler as Handler
from questlog_core.quests.use_cases.wiring import (
    handlers,
)

__all__ = [
    "MAX_BULK_QUESTS",
    "MAX_PARENT_DEPTH",
    "AbandonQuest",
    "AddDependency",
    "ArchiveQuest",
    "CompleteQuest",
    "Completion",
    "CreateCategory",
    "CreateQuest",
    "CreateQuests",
    "CreateTemplate",
    "DeleteCategory",
    "DeleteQuest",
    "DeleteTemplate",
    "DependencyView",
    "GetCategory",
    "GetQuest",
    "GetTemplate",
    "InstantiateTemplate",
    "Instantiation",
    "ListCategories",
    "ListDependencies",
    "ListQuests",
    "ListTemplates",
    "PlanQuests",
    "QuestPlan",
    "RemoveDependency",
    "ReopenQuest",
    "SetProgress",
    "StartQuest",
    "TickChecklistItem",
    "UpdateCategory",
    "UpdateQuest",
    "UpdateTemplate",
    "abandon_quest",
    "add_dependency",
    "archive_quest",
    "complete_quest",
    "create_category",
    "create_quest",
    "create_quests",
    "create_template",
    "delete_category",
    "delete_quest",
    "delete_template",
    "get_category",
    "get_quest",
    "get_template",
    "handlers",
    "instantiate_template",
    "list_categories",
    "list_dependencies",
    "list_quests",
    "list_quests_as",
    "list_templates",
    "plan_quests",
    "remove_dependency",
    "reopen_quest",
    "set_progress",
    "start_quest",
    "tick_checklist_item",
    "update_category",
    "update_quest",
    "update_template",
]
