"""Contract suite of the ``LanguageModel`` port: OpenAI (stubbed HTTP), Anthropic (stubbed
HTTP) and the local fallback answer the same request with the same validated value, each
labelled with who answered; the provider adapters turn every way a provider can fail into a
``ProviderFailure`` (so a chain moves on) and never return an answer outside the schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from adapters.llm.anthropic_model import AnthropicLanguageModel
from adapters.llm.openai_model import OpenAiLanguageModel
from adapters.llm.schemas import provider_schema
from questlog_core.ports.ai import LanguageModel, ProviderFailure
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


def openai_model(handler: stubs.Handler, *, max_retries: int = 0) -> tuple[Any, stubs.Recorder]:
    recorder = stubs.Recorder(handler)
    model = OpenAiLanguageModel(
        api_key="sk-test",
        model="gpt-5.4-mini",
        timeout_seconds=2.0,
        max_retries=max_retries,
        http_client=recorder.client(),
    )
    return model, recorder


def anthropic_model(handler: stubs.Handler, *, max_retries: int = 0) -> tuple[Any, stubs.Recorder]:
    recorder = stubs.Recorder(handler)
    model = AnthropicLanguageModel(
        api_key="sk-ant-test",
        model="claude-haiku-4-5",
        timeout_seconds=2.0,
        max_retries=max_retries,
        http_client=recorder.client(),
    )
    return model, recorder


@pytest.fixture(params=["openai", "anthropic", "local"])
def answering(request: pytest.FixtureRequest) -> tuple[str, LanguageModel]:
    """Each adapter, set up so that it answers (providers through their HTTP stubs)."""
    if request.param == "openai":
        return "openai", openai_model(stubs.openai_completion(LABELS_JSON))[0]
    if request.param == "anthropic":
        return "anthropic", anthropic_model(stubs.anthropic_tool_use(LABELS_DICT))[0]
    return "local", local_model()


async def test_answers_a_validated_value_of_the_asked_type(
    answering: tuple[str, LanguageModel],
) -> None:
    _, model = answering
    answer = await model.complete(rent_request(), QuestLabels)
    assert isinstance(answer.value, QuestLabels)
    assert answer.value == RENT_LABELS


async def test_says_who_answered_and_whether_it_is_degraded(
    answering: tuple[str, LanguageModel],
) -> None:
    name, model = answering
    answer = await model.complete(rent_request(), QuestLabels)
    assert answer.provider == name
    assert answer.degraded is (name == "local")
    assert answer.model
    assert not answer.cached
    assert answer.fell_back_from == ()


async def test_reports_the_tokens_it_cost(answering: tuple[str, LanguageModel]) -> None:
    name, model = answering
    answer = await model.complete(rent_request(), QuestLabels)
    if name == "local":
        assert answer.usage.total == 0
    else:
        assert answer.usage.input_tokens > 0
        assert answer.usage.output_tokens > 0


# -- what goes over the wire -------------------------------------------------------------


async def test_openai_asks_for_the_schema_as_strict_json_schema_output() -> None:
    model, recorder = openai_model(stubs.openai_completion(LABELS_JSON))
    request = rent_request()
    await model.complete(request, QuestLabels)
    (body,) = recorder.bodies()
    assert body["model"] == "gpt-5.4-mini"
    assert body["messages"][0] == {"role": "system", "content": request.instructions}
    assert body["messages"][1] == {"role": "user", "content": request.prompt}
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "QuestLabels"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"] == provider_schema(QuestLabels).schema
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert body["max_completion_tokens"] == 200
    assert recorder.requests[0].headers["authorization"] == "Bearer sk-test"


async def test_anthropic_forces_a_tool_whose_input_is_the_schema() -> None:
    model, recorder = anthropic_model(stubs.anthropic_tool_use(LABELS_DICT))
    request = rent_request()
    await model.complete(request, QuestLabels)
    (body,) = recorder.bodies()
    assert body["system"] == request.instructions
    assert body["messages"] == [{"role": "user", "content": request.prompt}]
    (tool,) = body["tools"]
    assert tool["input_schema"] == provider_schema(QuestLabels).schema
    assert body["tool_choice"] == {"type": "tool", "name": tool["name"]}
    assert body["max_tokens"] == 200
    headers = recorder.requests[0].headers
    # anthropic 2.x sends the key as a bearer token (1.x used x-api-key)
    assert "sk-ant-test" in headers.get("x-api-key", headers.get("authorization", ""))


# -- every way a provider fails is a ProviderFailure ----------------------------------------

OFF_SCHEMA = [
    {"category": "finance", "tags": ["bills"]},  # a field missing
    {"category": "finance", "tags": ["bills"], "difficulty": "impossible"},  # not an option
    {"category": "finance", "tags": "bills", "difficulty": "easy"},  # wrong type
    {**LABELS_DICT, "mark_all_done": True},  # a field nobody asked for
]

Maker = Callable[[stubs.Handler], tuple[Any, stubs.Recorder]]

FAILURES: dict[str, tuple[Maker, list[stubs.Handler]]] = {
    "openai": (
        openai_model,
        [
            stubs.timing_out,
            stubs.openai_error(429),
            stubs.openai_error(500),
            stubs.openai_error(503),
            stubs.malformed(),
            stubs.malformed(b'{"choices": "nope"}'),
            stubs.malformed(b'{"object": "chat.completion", "choices": []}'),
            stubs.openai_completion("{not json"),
            stubs.openai_completion(None, refusal="I can't help with that."),
            stubs.openai_completion(LABELS_JSON[:20], finish_reason="length"),
            *[stubs.openai_completion(json.dumps(bad)) for bad in OFF_SCHEMA],
        ],
    ),
    "anthropic": (
        anthropic_model,
        [
            stubs.timing_out,
            stubs.anthropic_error(429),
            stubs.anthropic_error(500),
            stubs.anthropic_error(529),
            stubs.malformed(),
            stubs.malformed(b'{"type": "message", "content": {"oops": 1}}'),
            stubs.anthropic_text("Sure! Category: finance."),
            stubs.anthropic_text("", stop_reason="refusal"),
            stubs.anthropic_tool_use(LABELS_DICT, name="some_other_tool"),
            *[stubs.anthropic_tool_use(bad) for bad in OFF_SCHEMA],
        ],
    ),
}

CASES = [
    pytest.param(provider, maker, handler, id=f"{provider}-{i}")
    for provider, (maker, handlers) in FAILURES.items()
    for i, handler in enumerate(handlers)
]


@pytest.mark.parametrize(("provider", "maker", "handler"), CASES)
async def test_a_failing_provider_raises_provider_failure(
    provider: str, maker: Maker, handler: stubs.Handler
) -> None:
    model, _ = maker(handler)
    with pytest.raises(ProviderFailure) as caught:
        await model.complete(rent_request(), QuestLabels)
    assert caught.value.provider == provider


@pytest.mark.parametrize("maker", [openai_model, anthropic_model], ids=["openai", "anthropic"])
@pytest.mark.parametrize("retries", [0, 2])
async def test_retries_exactly_as_configured(maker: Any, retries: int) -> None:
    error = stubs.openai_error(429) if maker is openai_model else stubs.anthropic_error(429)
    model, recorder = maker(error, max_retries=retries)
    with pytest.raises(ProviderFailure):
        await model.complete(rent_request(), QuestLabels)
    assert len(recorder.requests) == 1 + retries


async def test_the_sdk_timeout_is_the_configured_one() -> None:
    # A real socket that never answers: the SDK's own timer (0.3 s, no retries) gives up.
    async with stubs.stalled_server() as url:
        model = OpenAiLanguageModel(
            api_key="sk-test",
            model="gpt-5.4-mini",
            timeout_seconds=0.3,
            max_retries=0,
            base_url=f"{url}/v1",
        )
        with pytest.raises(ProviderFailure, match="timed out"):
            await model.complete(rent_request(), QuestLabels)
        await model.aclose()


def test_constructing_without_a_key_or_with_unbounded_settings_is_refused() -> None:
    with pytest.raises(ValueError, match="API key"):
        OpenAiLanguageModel(api_key="", model="m", timeout_seconds=1, max_retries=0)
    with pytest.raises(ValueError, match="timeout"):
        AnthropicLanguageModel(api_key="k", model="m", timeout_seconds=0, max_retries=0)


async def test_local_model_without_a_rule_fails_instead_of_inventing() -> None:
    with pytest.raises(ProviderFailure, match="no local rule"):
        await local_model().complete(rent_request(), UnlabelledAnswer)


def test_mock_transport_is_the_sdk_http_client() -> None:
    assert isinstance(stubs.Recorder(stubs.timing_out).client(), httpx2.AsyncClient)


@pytest.mark.parametrize(
    ("maker", "handler"),
    [
        (openai_model, stubs.openai_completion(json.dumps(OFF_SCHEMA[1]))),
        (openai_model, stubs.openai_completion(LABELS_JSON[:20], finish_reason="length")),
        (anthropic_model, stubs.anthropic_tool_use(OFF_SCHEMA[0])),
        (anthropic_model, stubs.anthropic_text("no tool for you")),
    ],
    ids=["openai-off-schema", "openai-cut-off", "anthropic-off-schema", "anthropic-no-tool"],
)
async def test_a_billed_but_refused_answer_says_what_it_cost(
    maker: Maker, handler: stubs.Handler
) -> None:
    model, _ = maker(handler)
    with pytest.raises(ProviderFailure) as caught:
        await model.complete(rent_request(), QuestLabels)
    assert caught.value.spent is not None
    assert caught.value.spent.usage.total > 0


@pytest.mark.parametrize(
    ("maker", "handler"),
    [(openai_model, stubs.timing_out), (anthropic_model, stubs.anthropic_error(500))],
    ids=["openai-timeout", "anthropic-500"],
)
async def test_a_failure_without_an_answer_cost_nothing(
    maker: Maker, handler: stubs.Handler
) -> None:
    model, _ = maker(handler)
    with pytest.raises(ProviderFailure) as caught:
        await model.complete(rent_request(), QuestLabels)
    assert caught.value.spent is None
