"""The failover chain: OpenAI → Anthropic → local, with circuit breakers.

Providers are the real adapters talking to HTTP stubs (a socket that never answers, a
``MockTransport`` speaking the provider's documented shapes); nothing of ours is patched.
The whole-chain tests carry a timeout marker: they must finish well inside 8 s with the small
provider timeouts configured here (the SDK defaults would hang for 10 minutes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.llm.anthropic_model import AnthropicLanguageModel
from adapters.llm.failover import CircuitBreaker, FailoverLanguageModel, Link
from adapters.llm.openai_model import OpenAiLanguageModel
from adapters.memory.clock import FixedClock
from questlog_core.ports.ai import LanguageModelUnavailable
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


def anthropic(handler: stubs.Handler) -> tuple[AnthropicLanguageModel, stubs.Recorder]:
    recorder = stubs.Recorder(handler)
    return (
        AnthropicLanguageModel(
            api_key="sk-ant-test",
            model="claude-haiku-4-5",
            timeout_seconds=1.0,
            max_retries=0,
            http_client=recorder.client(),
        ),
        recorder,
    )


def openai(handler: stubs.Handler) -> tuple[OpenAiLanguageModel, stubs.Recorder]:
    recorder = stubs.Recorder(handler)
    return (
        OpenAiLanguageModel(
            api_key="sk-test",
            model="gpt-5.4-mini",
            timeout_seconds=1.0,
            max_retries=0,
            http_client=recorder.client(),
        ),
        recorder,
    )


def breaker(clock: FixedClock, failures: int = 2) -> CircuitBreaker:
    return CircuitBreaker(clock, failure_threshold=failures, cooldown=timedelta(seconds=30))


@pytest.mark.timeout(8)
async def test_openai_timing_out_fails_over_to_anthropic() -> None:
    async with stubs.stalled_server() as url:
        slow = OpenAiLanguageModel(
            api_key="sk-test",
            model="gpt-5.4-mini",
            timeout_seconds=1.0,
            max_retries=1,  # two attempts of 1 s each, then Anthropic
            base_url=f"{url}/v1",
        )
        backup, recorder = anthropic(stubs.anthropic_tool_use(LABELS_DICT))
        chain = FailoverLanguageModel([Link(slow), Link(backup), Link(local_model())])
        answer = await chain.complete(rent_request(), QuestLabels)
    assert answer.value == RENT_LABELS
    assert answer.provider == "anthropic"
    assert answer.degraded is False
    assert answer.fell_back_from == ("openai",)
    assert len(recorder.requests) == 1


@pytest.mark.timeout(8)
async def test_both_providers_failing_falls_back_to_local_labelled_degraded() -> None:
    async with stubs.stalled_server() as url:
        slow = OpenAiLanguageModel(
            api_key="sk-test",
            model="gpt-5.4-mini",
            timeout_seconds=1.0,
            max_retries=0,
            base_url=f"{url}/v1",
        )
        down, _ = anthropic(stubs.anthropic_error(529))
        chain = FailoverLanguageModel([Link(slow), Link(down), Link(local_model())])
        answer = await chain.complete(rent_request(), QuestLabels)
    assert answer.value == RENT_LABELS
    assert answer.provider == "local"
    assert answer.degraded is True
    assert answer.fell_back_from == ("openai", "anthropic")


async def test_malformed_openai_output_is_a_failure_and_anthropic_answers() -> None:
    broken, _ = openai(stubs.openai_completion('{"category": "finance", "mark_all_done": true}'))
    backup, _ = anthropic(stubs.anthropic_tool_use(LABELS_DICT))
    chain = FailoverLanguageModel([Link(broken), Link(backup), Link(local_model())])
    answer = await chain.complete(rent_request(), QuestLabels)
    assert answer.provider == "anthropic"
    assert answer.value == RENT_LABELS


async def test_a_healthy_openai_answers_first() -> None:
    first, _ = openai(stubs.openai_completion(LABELS_JSON))
    backup, recorder = anthropic(stubs.anthropic_tool_use(LABELS_DICT))
    chain = FailoverLanguageModel([Link(first), Link(backup), Link(local_model())])
    answer = await chain.complete(rent_request(), QuestLabels)
    assert (answer.provider, answer.degraded, answer.fell_back_from) == ("openai", False, ())
    assert recorder.requests == []


async def test_nothing_able_to_answer_is_unavailable_with_every_reason() -> None:
    down, _ = openai(stubs.openai_error(500))
    chain = FailoverLanguageModel([Link(down), Link(local_model())])
    with pytest.raises(LanguageModelUnavailable) as caught:
        await chain.complete(rent_request(), UnlabelledAnswer)
    assert [f.provider for f in caught.value.failures] == ["openai", "local"]
    assert "HTTP 500" in str(caught.value)


async def test_an_open_circuit_skips_the_provider_without_a_request() -> None:
    clock = FixedClock(T0)
    down, recorder = openai(stubs.openai_error(500))
    chain = FailoverLanguageModel([Link(down, breaker(clock, failures=2)), Link(local_model())])
    for _ in range(2):
        assert (await chain.complete(rent_request(), QuestLabels)).provider == "local"
    assert len(recorder.requests) == 2
    answer = await chain.complete(rent_request(), QuestLabels)
    assert answer.provider == "local"
    assert answer.fell_back_from == ("openai",)
    assert len(recorder.requests) == 2  # skipped: the circuit is open


async def test_after_the_cool_down_one_trial_goes_through_and_success_closes() -> None:
    clock = FixedClock(T0)
    recorder = stubs.Recorder(stubs.openai_error(500))
    model = OpenAiLanguageModel(
        api_key="sk-test",
        model="gpt-5.4-mini",
        timeout_seconds=1.0,
        max_retries=0,
        http_client=recorder.client(),
    )
    gate = breaker(clock, failures=1)
    chain = FailoverLanguageModel([Link(model, gate), Link(local_model())])
    await chain.complete(rent_request(), QuestLabels)
    assert gate.state == "open"
    clock.advance(timedelta(seconds=29))
    await chain.complete(rent_request(), QuestLabels)
    assert len(recorder.requests) == 1
    clock.advance(timedelta(seconds=1))
    assert gate.state == "half_open"
    recorder.handler = stubs.openai_completion(LABELS_JSON)  # the provider has recovered
    answer = await chain.complete(rent_request(), QuestLabels)
    assert answer.provider == "openai"
    assert gate.state == "closed"


async def test_a_failed_trial_opens_the_circuit_again() -> None:
    clock = FixedClock(T0)
    down, recorder = openai(stubs.openai_error(503))
    gate = breaker(clock, failures=3)
    chain = FailoverLanguageModel([Link(down, gate), Link(local_model())])
    for _ in range(3):
        await chain.complete(rent_request(), QuestLabels)
    clock.advance(timedelta(seconds=30))
    await chain.complete(rent_request(), QuestLabels)  # the trial, failing
    assert len(recorder.requests) == 4
    assert gate.state == "open"
    await chain.complete(rent_request(), QuestLabels)
    assert len(recorder.requests) == 4


def test_half_open_admits_one_trial_at_a_time() -> None:
    clock = FixedClock(T0)
    gate = breaker(clock, failures=1)
    gate.failed()
    clock.advance(timedelta(seconds=31))
    assert gate.allows() is True
    assert gate.allows() is False  # a second caller while the trial runs
    gate.abandoned()
    assert gate.allows() is True


def test_breaker_settings_must_make_sense() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(FixedClock(T0), failure_threshold=0, cooldown=timedelta(seconds=1))
    with pytest.raises(ValueError, match="cooldown"):
        CircuitBreaker(FixedClock(T0), failure_threshold=1, cooldown=timedelta(0))
