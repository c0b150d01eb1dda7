"""What the LanguageModel contract suite asks: one answer type, one local rule, one request."""

from __future__ import annotations

from typing import Literal

import msgspec

from adapters.llm.local import LocalLanguageModel
from questlog_core.ai.prompts import PromptBuilder
from questlog_core.ports.ai import LlmRequest

Difficulty = Literal["trivial", "easy", "medium", "hard", "epic"]


class QuestLabels(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Labels for one quest (the shape a classify endpoint would ask for)."""

    category: str
    tags: list[str]
    difficulty: Difficulty


class UnlabelledAnswer(QuestLabels, frozen=True):
    """An answer type no local rule is registered for: the local model must refuse it."""


#: What every adapter answers for :func:`rent_request` (the stubs send it; the rule derives it).
RENT_LABELS = QuestLabels(category="finance", tags=["bills"], difficulty="easy")


def label_by_rules(request: LlmRequest) -> QuestLabels:
    """The local rule: keywords of the quest's title (reads the data, never the prompt)."""
    quest = request.data["quest"]
    assert isinstance(quest, dict)
    title = str(quest.get("title", "")).lower()
    if any(word in title for word in ("rent", "bill", "tax")):
        return RENT_LABELS
    return QuestLabels(category="general", tags=[], difficulty="medium")


def local_model() -> LocalLanguageModel:
    return LocalLanguageModel({QuestLabels: label_by_rules})


def rent_request(title: str = "Pay rent", notes: str = "") -> LlmRequest:
    return (
        PromptBuilder("You label quests of a task manager.")
        .say("Give the category, tags and difficulty of this quest.")
        .data("quest", {"title": title, "notes": notes})
        .request(max_output_tokens=200)
    )


LABELS_JSON = msgspec.json.encode(RENT_LABELS).decode()
LABELS_DICT = msgspec.to_builtins(RENT_LABELS)
