"""Moved to :mod:`questlog_core.quests.use_cases.templates`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import TemplateId as TemplateId
from questlog_core.quests.events import TemplateInstantiated as TemplateInstantiated
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.templates import QuestTemplate as QuestTemplate
from questlog_core.quests.templates import render as render
from questlog_core.quests.use_cases.commands import CreateTemplate as CreateTemplate
from questlog_core.quests.use_cases.commands import DeleteTemplate as DeleteTemplate
from questlog_core.quests.use_cases.commands import GetTemplate as GetTemplate
from questlog_core.quests.use_cases.commands import InstantiateTemplate as InstantiateTemplate
from questlog_core.quests.use_cases.commands import ListTemplates as ListTemplates
from questlog_core.quests.use_cases.commands import UpdateTemplate as UpdateTemplate
from questlog_core.quests.use_cases.results import Instantiation as Instantiation
from questlog_core.quests.use_cases.templates import create_template as create_template
from questlog_core.quests.use_cases.templates import delete_template as delete_template
from questlog_core.quests.use_cases.templates import get_template as get_template
from questlog_core.quests.use_cases.templates import instantiate_template as instantiate_template
from questlog_core.quests.use_cases.templates import list_templates as list_templates
from questlog_core.quests.use_cases.templates import update_template as update_template

__all__ = [
    "create_template",
    "delete_template",
    "get_template",
    "instantiate_template",
    "list_templates",
    "update_template",
]
