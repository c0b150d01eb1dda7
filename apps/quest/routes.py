"""The quest service's route handlers, mounted by its app and by the all-in-one gateway."""

from apps.quest.controllers import (
    AttachmentController,
    CategoryController,
    DependencyController,
    ExportController,
    FileController,
    ImportController,
    QuestController,
    QuestProgressController,
    TemplateController,
)

ROUTES = [
    ExportController,
    ImportController,
    QuestController,
    QuestProgressController,
    DependencyController,
    AttachmentController,
    TemplateController,
    CategoryController,
    FileController,
]
