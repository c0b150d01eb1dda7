"""Cost control around any ``LanguageModel``: a response cache and per-user token metering.

* :class:`CachedLanguageModel` serves a repeated request from the ``Cache`` port (in process or
  Redis) under a key hashed from everything that shapes the answer: the answer type and its
  schema, instructions, prompt, data and token limit. Only real provider answers are stored;
  a degraded (local) answer is not, so the model is asked again once it is back. A hit is
  labelled ``cached=True`` and costs no tokens.
* :class:`MeteredLanguageModel` records the tokens of every provider call against the
  request's owner in a :class:`~questlog_core.ports.ai.TokenUsageLedger`: the answer's, and
  those of answers that were billed but refused (off-schema, cut off), even when no provider
  could answer in the end.

Stack them as ``CachedLanguageModel(MeteredLanguageModel(chain))``: a cache hit spends nothing,
so records nothing.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any, TypeVar

import msgspec

from adapters.llm.schemas import provider_schema
from questlog_core.ports.ai import (
    LanguageModel,
    LanguageModelUnavailable,
    LlmAnswer,
    LlmRequest,
    ProviderFailure,
    Spend,
    TokenUsageLedger,
    TokenUsageRecord,
)
from questlog_core.ports.platform import Cache, Clock

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Bump when the stored envelope changes shape, so old entries are simply missed.
KEY_VERSION = "v1"


class _Stored(msgspec.Struct, frozen=True):
    provider: str
    model: str
    value: msgspec.Raw


def request_key(request: LlmRequest, schema: type[Any]) -> str:
    """The cache key of ``request`` answered as ``schema``: a SHA-256 of every input."""
    shape = provider_schema(schema)
    material = msgspec.json.encode(
        [
            f"{schema.__module__}.{schema.__qualname__}",
            shape.schema,
            request.instructions,
            request.prompt,
            request.data,
            request.max_output_tokens,
        ],
        order="deterministic",
    )
    return f"ai:llm:{KEY_VERSION}:{hashlib.sha256(material).hexdigest()}"


class CachedLanguageModel:
    """Read-aside cache of answers, keyed by :func:`request_key`."""

    def __init__(self, inner: LanguageModel, cache: Cache, *, ttl: timedelta) -> None:
        self._inner = inner
        self._cache = cache
        self._ttl = ttl

    async def complete(self, request: LlmRequest, schema: type[T]) -> LlmAnswer[T]:
        """The cached answer when there is one that still fits ``schema``, else the inner one."""
        key = request_key(request, schema)
        stored = await self._cache.get(key)
        if stored is not None:
            try:
                envelope = msgspec.json.decode(stored, type=_Stored)
                value = msgspec.json.decode(envelope.value, type=schema)
            except (msgspec.DecodeError, msgspec.ValidationError):
                log.warning("ignoring an unreadable cached answer under %s", key)
            else:
                return LlmAnswer(
                    value=value, provider=envelope.provider, model=envelope.model, cached=True
                )
        answer = await self._inner.complete(request, schema)
        if not answer.degraded:
            envelope = _Stored(
                provider=answer.provider,
                model=answer.model,
                value=msgspec.Raw(msgspec.json.encode(answer.value)),
            )
            await self._cache.set(key, msgspec.json.encode(envelope), self._ttl)
        return answer


class MeteredLanguageModel:
    """Records each answer's tokens against ``request.owner`` (answers without tokens or
    without an owner record nothing)."""

    def __init__(self, inner: LanguageModel, ledger: TokenUsageLedger, clock: Clock) -> None:
        self._inner = inner
        self._ledger = ledger
        self._clock = clock

    async def complete(self, request: LlmRequest, schema: type[T]) -> LlmAnswer[T]:
        """The inner answer, after recording what it cost (refused answers included)."""
        try:
            answer = await self._inner.complete(request, schema)
        except LanguageModelUnavailable as exc:
            await self._record(request, [f.spent for f in exc.failures if f.spent is not None])
            raise
        except ProviderFailure as exc:
            await self._record(request, [] if exc.spent is None else [exc.spent])
            raise
        used = Spend(provider=answer.provider, model=answer.model, usage=answer.usage)
        await self._record(request, [*answer.wasted, used])
        return answer

    async def _record(self, request: LlmRequest, spends: list[Spend]) -> None:
        if request.owner is None:
            return
        for spend in spends:
            if spend.usage.total > 0:
                await self._ledger.record(
                    TokenUsageRecord(
                        owner=request.owner,
                        at=self._clock.now(),
                        provider=spend.provider,
                        model=spend.model,
                        input_tokens=spend.usage.input_tokens,
                        output_tokens=spend.usage.output_tokens,
                    )
                )


__all__ = ["CachedLanguageModel", "MeteredLanguageModel", "request_key"]
