"""The quest: a task with difficulty, due date, progress and a status machine.

Status machine (:data:`TRANSITIONS`)::

    from \\ to   todo      active   done      abandoned  archived
    todo         -         start    complete  abandon    archive
    active       -         -        complete  abandon    archive
    done         reopen*   -        -         -          archive
    abandoned    reopen    -        -         -          archive
    archived     -         -        -         -          -

    * only within the reopen window (default 24 h after completion), because reopening
      reverses the rewards the completion earned.

Anything else raises :class:`InvalidTransition` naming from and to. A quest is *open* while
todo or active and *finished* once done, abandoned or archived; only open quests block their
dependents (see :data:`FINISHED_STATUSES`). Completing a quest that has open prerequisites
raises :class:`QuestBlocked`.

Progress (0..100) comes from one source, in this order of precedence: the checklist (share of
items ticked), the sub-quests (share of counted children done — worked out by the use cases,
which can see the children), or the user's own percentage. Progress reaching 100% never
completes a quest by itself: the quest records a ``QuestProgressed`` event with
``ready_to_complete=True`` and stays open until the player completes it. Completing sets
progress to 100.

Every change records a domain event on the quest; the unit of work pulls them on commit
(:meth:`Quest.pull_events`). Times and ids come in as arguments, so the model does no I/O.
"""

from questlog_core.quests.model.checklist import CHECKLIST_MAX_ITEMS, ChecklistItem, ProgressSource
from questlog_core.quests.model.checklist import (
    CHECKLIST_TEXT_MAX_LENGTH as CHECKLIST_TEXT_MAX_LENGTH,
)
from questlog_core.quests.model.quest import REVISABLE_FIELDS as REVISABLE_FIELDS
from questlog_core.quests.model.quest import Quest
from questlog_core.quests.model.status import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    REOPEN_WINDOW,
    TRANSITIONS,
    QuestStatus,
)
from questlog_core.quests.model.validation import (
    validate_category,
    validate_checklist,
    validate_difficulty,
    validate_estimate,
    validate_notes,
    validate_priority,
    validate_tags,
    validate_title,
)
from questlog_core.quests.model.validation import validate_due as validate_due
from questlog_core.quests.model.values import (
    CATEGORY_MAX_LENGTH,
    ESTIMATE_MAX_MINUTES,
    NOTES_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    TITLE_MAX_LENGTH,
    Difficulty,
    Priority,
)

__all__ = [
    "CATEGORY_MAX_LENGTH",
    "CHECKLIST_MAX_ITEMS",
    "ESTIMATE_MAX_MINUTES",
    "FINISHED_STATUSES",
    "NOTES_MAX_LENGTH",
    "OPEN_STATUSES",
    "REOPEN_WINDOW",
    "TAGS_MAX",
    "TAG_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "TRANSITIONS",
    "ChecklistItem",
    "Difficulty",
    "Priority",
    "ProgressSource",
    "Quest",
    "QuestStatus",
    "validate_category",
    "validate_checklist",
    "validate_difficulty",
    "validate_estimate",
    "validate_notes",
    "validate_priority",
    "validate_tags",
    "validate_title",
]
