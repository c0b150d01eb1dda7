"""``LanguageModel`` on OpenAI's Chat Completions API (official ``openai`` SDK).

Structured output: ``response_format={"type": "json_schema", ...}`` with the JSON Schema of the
caller's msgspec type (strict mode when the type allows it: every field required). The SDK
sends the request, authenticates, and applies the **explicit** timeout and retry count given
here (its defaults are 600 s and 2 retries). The response body is decoded by msgspec into the
documented response shape (``choices[0].message.content``, ``usage``), then the content into
the caller's type: a timeout, 429, 5xx, connection error, refusal, truncated or malformed body
or an answer that does not fit the schema is a :class:`ProviderFailure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import msgspec
import openai

from adapters.llm.schemas import decode_answer, provider_schema
from adapters.llm.sdk_calls import billed, check_provider_settings, decode_body, sdk_failures
from questlog_core.ports.ai import LlmAnswer, LlmRequest, ProviderFailure, Spend, TokenUsage

if TYPE_CHECKING:
    import httpx2

T = TypeVar("T")

PROVIDER = "openai"


class _Message(msgspec.Struct):
    content: str | None = None
    refusal: str | None = None


class _Choice(msgspec.Struct):
    message: _Message
    finish_reason: str | None = None


class _Usage(msgspec.Struct):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class _ChatCompletion(msgspec.Struct):
    """The fields of a chat completion this adapter reads (the rest is ignored)."""

    choices: list[_Choice]
    model: str = ""
    usage: _Usage | None = None


class OpenAiLanguageModel:
    """Answers through OpenAI. ``http_client`` is for tests and proxies (an ``httpx2`` client)."""

    provider = PROVIDER

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        timeout_seconds: float,
        max_retries: int,
        base_url: str | None = None,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        check_provider_settings(
            "OpenAI", api_key=api_key, timeout_seconds=timeout_seconds, max_retries=max_retries
        )
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url or None,
            timeout=timeout_seconds,
            max_retries=max_retries,
            http_client=http_client,
        )

    async def complete(self, request: LlmRequest, schema: type[T]) -> LlmAnswer[T]:
        """Ask once (plus the SDK's own retries); the validated answer or ``ProviderFailure``."""
        wanted = provider_schema(schema)
        with sdk_failures(
            PROVIDER,
            timeout=openai.APITimeoutError,
            status=openai.APIStatusError,
            other=openai.APIError,
        ):
            raw = await self._client.chat.completions.with_raw_response.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": request.instructions},
                    {"role": "user", "content": request.prompt},
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": wanted.name,
                        "schema": wanted.schema,
                        "strict": wanted.strict,
                    },
                },
                max_completion_tokens=request.max_output_tokens,
            )
            body = raw.http_response.content
        completion = decode_body(PROVIDER, body, _ChatCompletion)
        usage = completion.usage or _Usage()
        spent = Spend(
            provider=PROVIDER,
            model=completion.model or self.model,
            usage=TokenUsage(
                input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens
            ),
        )
        value = billed(PROVIDER, spent, lambda: self._value(completion, schema))
        return LlmAnswer(value=value, provider=PROVIDER, model=spent.model, usage=spent.usage)

    def _value(self, completion: _ChatCompletion, schema: type[T]) -> T:
        if not completion.choices:
            raise ProviderFailure(PROVIDER, "no choices in the response")
        choice = completion.choices[0]
        if choice.message.refusal:
            raise ProviderFailure(PROVIDER, "the model refused")
        if choice.finish_reason == "length":
            raise ProviderFailure(PROVIDER, "the answer was cut off at the token limit")
        if choice.message.content is None:
            raise ProviderFailure(PROVIDER, "the answer has no content")
        return decode_answer(PROVIDER, choice.message.content, schema)

    async def aclose(self) -> None:
        """Close the SDK's HTTP client."""
        await self._client.close()


__all__ = ["OpenAiLanguageModel"]
