"""Ports of the AI layer: language models, embedders, vector indexes, token usage.

A :class:`LanguageModel` answers with *structured output*: the caller names a msgspec type and
gets back a value of that type (validated, never trusted as it came), wrapped in an
:class:`LlmAnswer` that says which provider answered, whether that was the labelled local
fallback (``degraded``) and how many tokens it cost. A provider that times out, refuses, errors
or answers something that does not fit the schema raises :class:`ProviderFailure`; a failover
chain moves on to the next provider on exactly that error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar

import msgspec
import numpy as np
import numpy.typing as npt

from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

T = TypeVar("T")


class LlmRequest(msgspec.Struct, frozen=True, kw_only=True):
    """What to ask a language model.

    ``instructions`` are ours (trusted, sent as the system prompt); ``prompt`` carries the
    user's text only inside fenced data blocks (build it with :mod:`questlog_core.ai.prompts`,
    which also adds the rule that data is never instructions). ``owner`` is who pays: token
    usage is recorded against them.
    """

    instructions: str
    prompt: str
    #: the user data the prompt fences, by block name, unescaped: what local rules read
    data: dict[str, object] = msgspec.field(default_factory=dict)
    owner: UserId | None = None
    max_output_tokens: int = 1024


class TokenUsage(msgspec.Struct, frozen=True, kw_only=True):
    """Tokens one answer cost, as the provider reported them (zero for local and cached)."""

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class Spend(msgspec.Struct, frozen=True, kw_only=True):
    """Tokens one provider call cost, whatever became of its answer."""

    provider: str
    model: str
    usage: TokenUsage


class LlmAnswer(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """A validated answer and where it came from.

    ``provider`` is ``openai``, ``anthropic`` or ``local``; ``degraded`` is true exactly when
    the local rule-based fallback answered (no model was consulted). ``fell_back_from`` names
    the providers that were tried (or skipped with an open circuit) before this one.
    ``cached`` says the answer was served from the response cache (no tokens spent).
    ``wasted`` lists the tokens earlier providers charged for answers that were then refused
    (off-schema, cut off): paid for, not used, and metered all the same.
    """

    value: T
    provider: str
    model: str
    degraded: bool = False
    usage: TokenUsage = TokenUsage()
    fell_back_from: tuple[str, ...] = ()
    cached: bool = False
    wasted: tuple[Spend, ...] = ()


class ProviderFailure(Exception):
    """A provider could not give a usable answer: timeout, rate limit, server error,
    refusal, or output that does not match the schema. The next provider in a chain is tried.

    ``spent`` is what the call cost when the provider did answer (and bill) but the answer was
    unusable; ``None`` when nothing was charged (timeouts, errors).
    """

    def __init__(self, provider: str, reason: str, *, spent: Spend | None = None) -> None:
        super().__init__(f"{provider}: {reason}")
        self.provider = provider
        self.reason = reason
        self.spent = spent


class LanguageModelUnavailable(Exception):
    """No provider in the chain (the local fallback included) could answer this request."""

    def __init__(self, failures: Sequence[ProviderFailure]) -> None:
        reasons = "; ".join(str(f) for f in failures) or "no provider configured"
        super().__init__(f"no language model could answer: {reasons}")
        self.failures = tuple(failures)


class LanguageModel(Protocol):
    """Answers a request with a value of ``schema`` (a msgspec Struct type, usually)."""

    async def complete(self, request: LlmRequest, schema: type[T]) -> LlmAnswer[T]:
        """The validated answer; raises :class:`ProviderFailure` (one provider) or
        :class:`LanguageModelUnavailable` (a chain with nothing left to try)."""
        ...


class Embedder(Protocol):
    """Text to vectors of a fixed width, each of unit length (zero for an empty text)."""

    dimensions: int

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per text, shape ``(len(texts), dimensions)``, float32."""
        ...


class VectorMatch(msgspec.Struct, frozen=True):
    """One neighbour: its id and cosine similarity to the query (1.0 = same direction)."""

    id: str
    score: float


class VectorIndex(Protocol):
    """Vectors per namespace (one per owner), nearest by cosine similarity.

    A namespace never sees another's vectors: a query in ``a`` never returns an id upserted
    only in ``b``. Upserting an existing id replaces its vector.
    """

    async def upsert(
        self, namespace: str, ids: Sequence[str], vectors: npt.NDArray[np.float32]
    ) -> None: ...
    async def query(
        self, namespace: str, vector: npt.NDArray[np.float32], top_k: int
    ) -> list[VectorMatch]: ...
    async def delete(self, namespace: str, ids: Sequence[str]) -> None: ...


class TokenUsageRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Tokens one answer cost one user."""

    owner: UserId
    at: datetime
    provider: str
    model: str
    input_tokens: int
    output_tokens: int


class TokenTotals(msgspec.Struct, frozen=True, kw_only=True):
    """A user's token spend over a period."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


class TokenUsageLedger(Protocol):
    """Where the AI service records what each user's requests cost (for limits and bills)."""

    async def record(self, entry: TokenUsageRecord) -> None: ...
    async def totals(self, owner: UserId, since: datetime) -> TokenTotals:
        """Sum of ``owner``'s records at or after ``since`` (never another user's)."""
        ...


class QuestView(msgspec.Struct, frozen=True, kw_only=True):
    """The AI service's copy of one quest, built from quest events (never read from the quest
    service's tables): what ranking, suggestions and insights need, nothing more."""

    owner: UserId
    quest_id: QuestId
    title: str
    difficulty: str = "medium"
    priority: int = 0
    category: str | None = None
    tags: tuple[str, ...] = ()
    due: datetime | None = None
    estimate_minutes: int | None = None
    #: todo, active, done, abandoned or archived
    status: str = "todo"
    progress: int = 0
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    #: open or finished prerequisites, by id (the ranking keeps only the open ones)
    depends_on: tuple[QuestId, ...] = ()
    #: when the quest last changed its title and estimate (``quest.created``,
    #: ``quest.updated``): an older quest event no longer changes them (``None``: created_at)
    title_at: datetime | None = None
    #: when the quest last changed the planning facts a completion also carries (difficulty,
    #: priority, category, tags, due): an older event no longer changes them (``None``:
    #: created_at)
    content_at: datetime | None = None
    #: when the quest last changed status: an older status event no longer changes it
    #: (``None``: created_at)
    status_at: datetime | None = None
    #: when ``completed_at`` was last set (a completion) or cleared (a reopen) (``None``:
    #: created_at)
    completion_at: datetime | None = None
    #: when the progress was last changed (``None``: created_at)
    progress_at: datetime | None = None
    #: every prerequisite whose edge was added or removed, with when it last was (a removed
    #: edge stays here, so a late older ``dependency_added`` does not bring it back)
    edges_at: tuple[tuple[QuestId, datetime], ...] = ()

    @property
    def is_open(self) -> bool:
        """Still to do (todo or active)."""
        return self.status in {"todo", "active"}

    @property
    def title_as_of(self) -> datetime:
        """When the title and estimate were last changed by the quest."""
        return self.title_at or self.created_at

    @property
    def content_as_of(self) -> datetime:
        """When the planning facts a completion carries were last changed by the quest."""
        return self.content_at or self.created_at

    @property
    def status_as_of(self) -> datetime:
        """When the status was last changed by the quest."""
        return self.status_at or self.created_at

    @property
    def completion_as_of(self) -> datetime:
        """When ``completed_at`` was last set or cleared."""
        return self.completion_at or self.created_at

    @property
    def progress_as_of(self) -> datetime:
        """When the progress was last changed."""
        return self.progress_at or self.created_at

    def edge_changed_at(self, prerequisite: QuestId) -> datetime | None:
        """When the edge from ``prerequisite`` was last added or removed (``None``: never)."""
        for quest_id, at in self.edges_at:
            if quest_id == prerequisite:
                return at
        return None


class QuestViews(Protocol):
    """The read model's quests, always scoped by owner."""

    async def get(self, owner: UserId, quest_id: QuestId) -> QuestView | None: ...
    async def put(self, view: QuestView) -> None:
        """Insert or replace the view of ``(view.owner, view.quest_id)``."""
        ...

    async def remove(self, owner: UserId, quest_id: QuestId) -> None: ...
    async def forget(self, owner: UserId, quest_id: QuestId, *, at: datetime) -> None:
        """The quest was deleted at ``at``: remove its view and remember it is gone, so that
        :meth:`is_forgotten` answers ``True`` from now on (quest ids are never reused)."""
        ...

    async def is_forgotten(self, owner: UserId, quest_id: QuestId) -> bool:
        """Whether the quest was deleted (:meth:`forget`): no late event may bring it back."""
        ...

    async def of_owner(self, owner: UserId, *, open_only: bool = False) -> list[QuestView]:
        """``owner``'s quests (only todo/active ones with ``open_only``), oldest first."""
        ...


class PlayerZones(Protocol):
    """Each player's time zone as identity last announced it (``UserRegistered``,
    ``ProfileUpdated``): what quick add and insights read dates and hours in."""

    async def get(self, owner: UserId) -> str | None:
        """``owner``'s IANA time zone, or ``None`` before identity told the AI service."""
        ...

    async def put(self, owner: UserId, timezone: str) -> None: ...


class AiUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the AI context's read model, outbox and inbox: the kernel's
    :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` with the quest views and the
    players' time zones."""

    @property
    def quest_views(self) -> QuestViews: ...

    @property
    def player_zones(self) -> PlayerZones: ...

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Deprecated alias of ``inbox.claim`` (kept for code written before the unit-of-work
        shapes were unified)."""
        ...


__all__ = [
    "AiUnitOfWork",
    "Embedder",
    "LanguageModel",
    "LanguageModelUnavailable",
    "LlmAnswer",
    "LlmRequest",
    "PlayerZones",
    "ProviderFailure",
    "QuestView",
    "QuestViews",
    "Spend",
    "TokenTotals",
    "TokenUsage",
    "TokenUsageLedger",
    "TokenUsageRecord",
    "VectorIndex",
    "VectorMatch",
]
