"""The failover chain (OpenAI → Anthropic → local) and its per-provider circuit breakers.

Each provider is tried in order; a :class:`ProviderFailure` (timeout, 429, 5xx, refusal,
malformed or off-schema answer) moves on to the next. A provider whose breaker is *open* is
skipped without a request, so a provider that is down costs one timeout per cool-down, not one
per request. The local fallback, last, has no breaker. The answer names who answered
(``provider``), says whether it was the local fallback (``degraded``) and lists the providers
that were tried or skipped first (``fell_back_from``). When nothing can answer the chain raises
:class:`LanguageModelUnavailable` carrying every failure.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

import msgspec

from questlog_core.ports.ai import (
    LanguageModel,
    LanguageModelUnavailable,
    LlmAnswer,
    LlmRequest,
    ProviderFailure,
)
from questlog_core.ports.platform import Clock

log = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitBreaker:
    """Closed → open after ``failure_threshold`` failures in a row → half-open after
    ``cooldown`` (one trial request) → closed on its success, open again on its failure.

    Time comes from ``clock``; the breaker belongs to one process (each worker learns on its
    own that a provider is down, at the cost of ``failure_threshold`` failed requests).
    """

    def __init__(self, clock: Clock, *, failure_threshold: int = 3, cooldown: timedelta) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown <= timedelta(0):
            raise ValueError("cooldown must be positive")
        self._clock = clock
        self._threshold = failure_threshold
        self._cooldown = cooldown
        self._failures = 0
        self._opened_at: datetime | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open`` (open, with the cool-down over)."""
        if self._opened_at is None:
            return "closed"
        if self._clock.now() - self._opened_at >= self._cooldown:
            return "half_open"
        return "open"

    def allows(self) -> bool:
        """Whether a request may go to the provider now (claims the half-open trial)."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def succeeded(self) -> None:
        """A request answered: close."""
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def failed(self) -> None:
        """A request failed: count it; open at the threshold, or again after a failed trial."""
        self._failures += 1
        if self._trial_running or self._failures >= self._threshold:
            self._opened_at = self._clock.now()
        self._trial_running = False

    def abandoned(self) -> None:
        """The request neither answered nor failed (cancelled): free the trial slot."""
        self._trial_running = False


class NamedModel(LanguageModel, Protocol):
    """A language model that says which provider it is."""

    provider: str


@dataclass(frozen=True)
class Link:
    """One provider in the chain, with its breaker (``None``: never skipped)."""

    model: NamedModel
    breaker: CircuitBreaker | None = None


class FailoverLanguageModel:
    """Tries each link in order until one answers with a valid value."""

    def __init__(self, links: Sequence[Link]) -> None:
        if not links:
            raise ValueError("a failover chain needs at least one provider")
        self._links = tuple(links)

    @property
    def links(self) -> tuple[Link, ...]:
        """The links in the order they are tried."""
        return self._links

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers in the order they are tried."""
        return tuple(link.model.provider for link in self._links)

    async def complete(self, request: LlmRequest, schema: type[T]) -> LlmAnswer[T]:
        """The first valid answer, labelled with who answered and who was passed over."""
        failures: list[ProviderFailure] = []
        for link in self._links:
            name = link.model.provider
            if link.breaker is not None and not link.breaker.allows():
                failures.append(ProviderFailure(name, "circuit open: skipped"))
                continue
            try:
                answer = await link.model.complete(request, schema)
            except ProviderFailure as exc:
                if link.breaker is not None:
                    link.breaker.failed()
                log.warning("language model %s failed, trying the next: %s", name, exc.reason)
                failures.append(exc)
                continue
            except BaseException:
                if link.breaker is not None:
                    link.breaker.abandoned()
                raise
            if link.breaker is not None:
                link.breaker.succeeded()
            passed_over = tuple(f.provider for f in failures)
            wasted = tuple(f.spent for f in failures if f.spent is not None)
            return msgspec.structs.replace(
                answer, fell_back_from=passed_over, wasted=answer.wasted + wasted
            )
        raise LanguageModelUnavailable(failures)


__all__ = ["CircuitBreaker", "FailoverLanguageModel", "Link", "NamedModel"]
