"""Cost control around a language model: the response cache and per-user token metering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from adapters.llm.anthropic_model import AnthropicLanguageModel
from adapters.llm.costs import CachedLanguageModel, MeteredLanguageModel, request_key
from adapters.llm.failover import FailoverLanguageModel, Link
from adapters.llm.openai_model import OpenAiLanguageModel
from adapters.memory.ai import InMemoryTokenUsageLedger
from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FixedClock
from questlog_core.ids import UserId
from questlog_core.ports.ai import LanguageModelUnavailable, LlmRequest
from tests.contract import llm_stubs as stubs
from tests.contract.llm_fixtures import (
    LABELS_DICT,
    LABELS_JSON,
    RENT_LABELS,
    QuestLabels,
    UnlabelledAnswer,
    local_model,
    rent_request,
)

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))


def openai(handler: stubs.Handler) -> tuple[OpenAiLanguageModel, stubs.Recorder]:
    recorder = stubs.Recorder(handler)
    model = OpenAiLanguageModel(
        api_key="sk-test",
        model="gpt-5.4-mini",
        timeout_seconds=1.0,
        max_retries=0,
        http_client=recorder.client(),
    )
    return model, recorder


def owned(request: LlmRequest, owner: UserId) -> LlmRequest:
    import msgspec

    return msgspec.structs.replace(request, owner=owner)


async def test_a_repeated_request_is_answered_from_the_cache_without_a_call() -> None:
    clock = FixedClock(T0)
    model, recorder = openai(stubs.openai_completion(LABELS_JSON))
    cached = CachedLanguageModel(model, MemoryCache(clock), ttl=timedelta(hours=1))
    first = await cached.complete(rent_request(), QuestLabels)
    second = await cached.complete(rent_request(), QuestLabels)
    assert len(recorder.requests) == 1
    assert first.cached is False
    assert first.usage.total > 0
    assert second.cached is True
    assert second.value == RENT_LABELS
    assert (second.provider, second.model) == (first.provider, first.model)
    assert second.usage.total == 0


async def test_a_different_input_or_answer_type_misses() -> None:
    model, recorder = openai(stubs.openai_completion(LABELS_JSON))
    cached = CachedLanguageModel(model, MemoryCache(FixedClock(T0)), ttl=timedelta(hours=1))
    await cached.complete(rent_request("Pay rent"), QuestLabels)
    await cached.complete(rent_request("Pay rent", notes="by transfer"), QuestLabels)

    class OtherLabels(QuestLabels, frozen=True):
        """The same fields under another answer type: a different cache entry."""

    await cached.complete(rent_request("Pay rent"), OtherLabels)
    assert len(recorder.requests) == 3
    assert request_key(rent_request(), QuestLabels) != request_key(rent_request(), OtherLabels)


async def test_entries_expire_after_the_ttl() -> None:
    clock = FixedClock(T0)
    model, recorder = openai(stubs.openai_completion(LABELS_JSON))
    cached = CachedLanguageModel(model, MemoryCache(clock), ttl=timedelta(minutes=5))
    await cached.complete(rent_request(), QuestLabels)
    clock.advance(timedelta(minutes=6))
    await cached.complete(rent_request(), QuestLabels)
    assert len(recorder.requests) == 2


async def test_degraded_answers_are_not_cached_so_a_recovered_provider_is_asked() -> None:
    model, recorder = openai(stubs.openai_error(503))
    chain = FailoverLanguageModel([Link(model), Link(local_model())])
    cached = CachedLanguageModel(chain, MemoryCache(FixedClock(T0)), ttl=timedelta(hours=1))
    assert (await cached.complete(rent_request(), QuestLabels)).degraded is True
    recorder.handler = stubs.openai_completion(LABELS_JSON)
    answer = await cached.complete(rent_request(), QuestLabels)
    assert (answer.provider, answer.degraded, answer.cached) == ("openai", False, False)


async def test_tokens_are_recorded_against_the_user_who_asked() -> None:
    clock = FixedClock(T0)
    ledger = InMemoryTokenUsageLedger()
    model, _ = openai(stubs.openai_completion(LABELS_JSON))
    metered = MeteredLanguageModel(model, ledger, clock)
    await metered.complete(owned(rent_request(), ALICE), QuestLabels)
    await metered.complete(owned(rent_request(), ALICE), QuestLabels)
    await metered.complete(owned(rent_request(), BOB), QuestLabels)
    alice = await ledger.totals(ALICE, T0)
    assert (alice.requests, alice.input_tokens, alice.output_tokens) == (2, 240, 60)
    assert (await ledger.totals(BOB, T0)).requests == 1


async def test_local_answers_and_cache_hits_cost_nothing_and_record_nothing() -> None:
    clock = FixedClock(T0)
    ledger = InMemoryTokenUsageLedger()
    model, _ = openai(stubs.openai_completion(LABELS_JSON))
    stack = CachedLanguageModel(
        MeteredLanguageModel(model, ledger, clock), MemoryCache(clock), ttl=timedelta(hours=1)
    )
    await stack.complete(owned(rent_request(), ALICE), QuestLabels)
    await stack.complete(owned(rent_request(), ALICE), QuestLabels)  # a hit
    await MeteredLanguageModel(local_model(), ledger, clock).complete(
        owned(rent_request(), ALICE), QuestLabels
    )
    assert (await ledger.totals(ALICE, T0)).requests == 1


def anthropic(handler: stubs.Handler) -> AnthropicLanguageModel:
    return AnthropicLanguageModel(
        api_key="sk-ant-test",
        model="claude-haiku-4-5",
        timeout_seconds=1.0,
        max_retries=0,
        http_client=stubs.Recorder(handler).client(),
    )


async def test_tokens_of_a_refused_answer_are_recorded_with_the_one_that_was_used() -> None:
    clock = FixedClock(T0)
    ledger = InMemoryTokenUsageLedger()
    refused, _ = openai(stubs.openai_completion('{"category": "finance"}'))
    backup = anthropic(stubs.anthropic_tool_use(LABELS_DICT))
    chain = FailoverLanguageModel([Link(refused), Link(backup), Link(local_model())])
    answer = await MeteredLanguageModel(chain, ledger, clock).complete(
        owned(rent_request(), ALICE), QuestLabels
    )
    assert answer.provider == "anthropic"
    assert [s.provider for s in answer.wasted] == ["openai"]
    totals = await ledger.totals(ALICE, T0)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (2, 260, 55)


async def test_tokens_are_recorded_even_when_no_provider_could_answer() -> None:
    clock = FixedClock(T0)
    ledger = InMemoryTokenUsageLedger()
    refused, _ = openai(stubs.openai_completion('{"category": "finance"}'))
    chain = FailoverLanguageModel([Link(refused), Link(local_model())])
    with pytest.raises(LanguageModelUnavailable):
        await MeteredLanguageModel(chain, ledger, clock).complete(
            owned(rent_request(), ALICE), UnlabelledAnswer
        )
    assert (await ledger.totals(ALICE, T0)).input_tokens == 120
