"""``LanguageModel`` on Anthropic's Messages API (official ``anthropic`` SDK).

Structured output through tool use: the request offers one tool whose ``input_schema`` is the
JSON Schema of the caller's msgspec type and forces it with ``tool_choice``; the ``input`` of
the ``tool_use`` block that comes back is validated by msgspec against the same type. The SDK
applies the **explicit** timeout and retry count given here (its defaults are 600 s and 2
retries). The body is decoded into the documented message shape (``content`` blocks, ``usage``);
a timeout, 429, 529/5xx, connection error, a missing tool call, a malformed body or an input
that does not fit the schema is a :class:`ProviderFailure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import anthropic
import msgspec

from adapters.llm.schemas import convert_answer, provider_schema
from adapters.llm.sdk_calls import billed, check_provider_settings, decode_body, sdk_failures
from questlog_core.ports.ai import LlmAnswer, LlmRequest, ProviderFailure, Spend, TokenUsage

if TYPE_CHECKING:
    import httpx2

T = TypeVar("T")

PROVIDER = "anthropic"


class _Block(msgspec.Struct):
    type: str
    name: str | None = None
    input: Any = None


class _Usage(msgspec.Struct):
    input_tokens: int = 0
    output_tokens: int = 0


class _Message(msgspec.Struct):
    """The fields of a message this adapter reads (the rest is ignored)."""

    content: list[_Block]
    model: str = ""
    stop_reason: str | None = None
    usage: _Usage | None = None


class AnthropicLanguageModel:
    """Answers through Anthropic; ``http_client`` (an ``httpx2`` client) is for tests, proxies."""

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
            "Anthropic", api_key=api_key, timeout_seconds=timeout_seconds, max_retries=max_retries
        )
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self._client = anthropic.AsyncAnthropic(
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
            timeout=anthropic.APITimeoutError,
            status=anthropic.APIStatusError,
            other=anthropic.APIError,
        ):
            raw = await self._client.messages.with_raw_response.create(
                model=self.model,
                max_tokens=request.max_output_tokens,
                system=request.instructions,
                messages=[{"role": "user", "content": request.prompt}],
                tools=[
                    {
                        "name": wanted.name,
                        "description": "Record your answer in exactly this structure.",
                        "input_schema": wanted.schema,
                    }
                ],
                tool_choice={"type": "tool", "name": wanted.name},
            )
            body = raw.http_response.content
        message = decode_body(PROVIDER, body, _Message)
        usage = message.usage or _Usage()
        spent = Spend(
            provider=PROVIDER,
            model=message.model or self.model,
            usage=TokenUsage(input_tokens=usage.input_tokens, output_tokens=usage.output_tokens),
        )
        value = billed(PROVIDER, spent, lambda: self._tool_answer(message, wanted.name, schema))
        return LlmAnswer(value=value, provider=PROVIDER, model=spent.model, usage=spent.usage)

    def _tool_answer(self, message: _Message, tool: str, schema: type[T]) -> T:
        calls = [b for b in message.content if b.type == "tool_use" and b.name == tool]
        if not calls:
            refused = message.stop_reason == "refusal"
            raise ProviderFailure(PROVIDER, "the model refused" if refused else "no tool call")
        return convert_answer(PROVIDER, calls[0].input, schema)

    async def aclose(self) -> None:
        """Close the SDK's HTTP client."""
        await self._client.close()


__all__ = ["AnthropicLanguageModel"]
