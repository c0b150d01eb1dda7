"""The quest service's route handlers, mounted by its app and by the all-in-one gateway."""

from apps.quest.controllers import (
    AttachmentController,
    CategoryController,
    DependencyController,
    FileController,
    QuestController,
    QuestProgressController,
    TemplateController,
)

ROUTES = [
    QuestController,
    QuestProgressController,
    DependencyController,
    AttachmentController,
    TemplateController,
    CategoryController,
    FileController,
]
