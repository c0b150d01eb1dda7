"""Quest service endpoints: thin controllers over the quest and attachment use cases.

Each handler parses (msgspec bodies, typed path/query parameters), calls one use case with the
caller's id as owner, and maps the result to a response Struct. Domain errors become problem
details in the shared exception handler (:mod:`apps.http.problems`); nothing here builds an
error response. Owner scoping is the repositories': another user's id is simply not found.
Each route declares the permission it needs (reads ``quests:read``, writes ``quests:write``,
signed file URLs public); the app-level guard of :mod:`apps.http.permissions` checks it.
"""

from apps.quest.controllers._shared import (
    QUESTS_PATH,
    TIMEZONE_HEADER,
    TimezoneHeader,
    owner_timezone,
)
from apps.quest.controllers.attachments import AttachmentController
from apps.quest.controllers.categories import CategoryController
from apps.quest.controllers.dependencies import DependencyController
from apps.quest.controllers.files import FileController, SignedUrlStorage
from apps.quest.controllers.moving import ExportController, ImportController
from apps.quest.controllers.progress import QuestProgressController
from apps.quest.controllers.quests import QuestController
from apps.quest.controllers.templates import TemplateController

__all__ = [
    "QUESTS_PATH",
    "TIMEZONE_HEADER",
    "AttachmentController",
    "CategoryController",
    "DependencyController",
    "ExportController",
    "FileController",
    "ImportController",
    "QuestController",
    "QuestProgressController",
    "SignedUrlStorage",
    "TemplateController",
    "TimezoneHeader",
    "owner_timezone",
]
