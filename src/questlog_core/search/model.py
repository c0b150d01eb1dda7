"""What the search context holds and answers: indexed quests, queries, hits, query stats."""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.kernel.errors import ValidationFailed
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.search.text import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, words

__all__ = [
    "QUEST_STATUSES",
    "RANK_WINDOW",
    "QueryRecord",
    "QueryStat",
    "SearchDocument",
    "SearchFilters",
    "SearchHit",
    "SearchQuery",
    "parse_query",
]

#: the statuses a quest can be in (what the ``status`` filter accepts)
QUEST_STATUSES = ("todo", "active", "done", "abandoned", "archived")


class SearchDocument(msgspec.Struct, frozen=True, kw_only=True):
    """The search context's copy of one quest: its searchable text and what filters read."""

    owner: UserId
    quest_id: QuestId
    title: str
    notes: str = ""
    tags: tuple[str, ...] = ()
    category: str | None = None
    #: todo, active, done, abandoned or archived
    status: str = "todo"
    due: datetime | None = None
    created_at: datetime
    updated_at: datetime
    #: when the quest was first started (a reopened quest goes back to active if it was)
    started_at: datetime | None = None
    #: when the quest last changed its title and notes (``quest.created``, ``quest.updated``):
    #: a quest event older than this no longer changes them (``None``: ``created_at``)
    text_at: datetime | None = None
    #: when the quest last changed the filters a completion also carries (tags, category,
    #: due): a quest event older than this no longer changes them (``None``: ``created_at``)
    content_at: datetime | None = None
    #: when the quest last changed status: an older status event no longer changes it
    #: (``None``: ``created_at``)
    status_at: datetime | None = None

    @property
    def text_as_of(self) -> datetime:
        """When the indexed title and notes were last changed by the quest."""
        return self.text_at or self.created_at

    @property
    def content_as_of(self) -> datetime:
        """When the indexed tags, category and due date were last changed by the quest."""
        return self.content_at or self.created_at

    @property
    def status_as_of(self) -> datetime:
        """When the indexed status was last changed by the quest."""
        return self.status_at or self.created_at

    @property
    def title_words(self) -> list[str]:
        return words(self.title)

    @property
    def tag_words(self) -> list[str]:
        return words(" ".join(self.tags))

    @property
    def note_words(self) -> list[str]:
        return words(self.notes)


class SearchFilters(msgspec.Struct, frozen=True, kw_only=True):
    """The quest filters a search combines with its words (all must hold)."""

    #: any of these statuses (empty: any status)
    statuses: tuple[str, ...] = ()
    #: every one of these tags, exactly as written on the quest
    tags: tuple[str, ...] = ()
    category: str | None = None
    #: due at or after / strictly before (quests without a due date never match a due bound)
    due_from: datetime | None = None
    due_before: datetime | None = None


#: how many matches a search ranks: the most recently indexed ones (see :class:`SearchQuery`)
RANK_WINDOW = 1_000


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed query: every word must match (in the title, tags or notes).

    With ``prefix`` each word also matches the words it begins (``pa`` finds "paint"): the
    as-you-type form. No words means no match (a query of punctuation finds nothing).

    Relevance is computed over at most ``window`` matches, the owner's most recently indexed
    (created or edited) quests that match words and filters: ranking every match of a word
    that is in most of 100,000 quests costs far more than a search may take, and the newest
    matches are the likeliest wanted. A query matching more than ``window`` quests finds the
    newest ``window`` of them, best first.
    """

    words: tuple[str, ...]
    prefix: bool = False
    filters: SearchFilters = SearchFilters()
    window: int = RANK_WINDOW


def parse_query(
    text: str, *, prefix: bool = False, filters: SearchFilters | None = None
) -> SearchQuery:
    """The :class:`SearchQuery` of what a user typed.

    Raises ``ValidationFailed`` for text longer than :data:`QUERY_MAX_LENGTH`, more than
    :data:`QUERY_MAX_WORDS` words, or a status filter that is not a quest status. Any
    character is otherwise accepted: query syntax of the databases is never interpreted.
    """
    if len(text) > QUERY_MAX_LENGTH:
        raise ValidationFailed("q", f"must be at most {QUERY_MAX_LENGTH} characters")
    found = tuple(dict.fromkeys(words(text)))
    if len(found) > QUERY_MAX_WORDS:
        raise ValidationFailed("q", f"at most {QUERY_MAX_WORDS} distinct words")
    filters = filters or SearchFilters()
    for status in filters.statuses:
        if status not in QUEST_STATUSES:
            raise ValidationFailed(
                "status", f"unknown status {status!r}", allowed=list(QUEST_STATUSES)
            )
    if (
        filters.due_from is not None
        and filters.due_before is not None
        and filters.due_from >= filters.due_before
    ):
        raise ValidationFailed("due_before", "must be later than due_from")
    return SearchQuery(words=found, prefix=prefix, filters=filters)


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """One quest that matched, with its relevance (higher is better; comparable only within
    one answer, each index scores its own way)."""

    quest_id: QuestId
    title: str
    tags: tuple[str, ...]
    category: str | None
    status: str
    due: datetime | None
    score: float


class QueryRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One search someone ran: its words (normalised, joined by spaces) and how many quests
    it found on the first page."""

    owner: UserId
    query: str
    results: int
    at: datetime


class QueryStat(msgspec.Struct, frozen=True, kw_only=True):
    """How often a query was run over a window, by how many people, and when last."""

    query: str
    searches: int
    users: int
    last_searched_at: datetime
