"""Benchmark: how long a request takes to fail over, with the default settings.

The real adapters and chain, built with ``Settings()`` defaults (6 s per provider request, no
SDK retries, breaker opening after 3 failures): OpenAI is a real socket on 127.0.0.1 that never
answers (so the SDK's own timeout fires); Anthropic is answered by an ``httpx2.MockTransport``
in its documented message shape, or with 529 (overloaded). Prints, per scenario, the wall time
of one request:

- OpenAI healthy (stubbed) → answered by OpenAI;
- OpenAI silent → answered by Anthropic;
- OpenAI silent and Anthropic overloaded → answered by the local fallback (``degraded``);
- after the third such failure OpenAI's and Anthropic's circuits are open → local at once.

Prints figures; never fails on a time. Run: ``python bench/bench_llm_failover.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import timedelta

import httpx2
import msgspec

from adapters.llm.anthropic_model import AnthropicLanguageModel
from adapters.llm.failover import CircuitBreaker, FailoverLanguageModel, Link
from adapters.llm.local import LocalLanguageModel
from adapters.llm.openai_model import OpenAiLanguageModel
from adapters.memory.clock import SystemClock
from apps.settings import Settings
from questlog_core.ai.prompts import PromptBuilder
from questlog_core.ports.ai import LlmRequest


class Labels(msgspec.Struct, frozen=True):
    category: str
    difficulty: str


LABELS = {"category": "finance", "difficulty": "easy"}


def anthropic_handler(status: int) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        if status != 200:
            return httpx2.Response(
                status,
                json={
                    "type": "error",
                    "error": {"type": "overloaded_error", "message": "Overloaded"},
                },
            )
        name = json.loads(request.content)["tool_choice"]["name"]
        return httpx2.Response(
            200,
            json={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "claude-haiku-4-5",
                "content": [{"type": "tool_use", "id": "toolu_1", "name": name, "input": LABELS}],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": {"input_tokens": 100, "output_tokens": 20},
            },
        )

    return httpx2.MockTransport(handle)


def openai_handler() -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            json={
                "id": "c1",
                "object": "chat.completion",
                "created": 0,
                "model": "gpt-5.4-mini",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": json.dumps(LABELS),
                            "refusal": None,
                        },
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            },
        )

    return httpx2.MockTransport(handle)


HELD: list[asyncio.StreamWriter] = []


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    HELD.append(writer)
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        while await reader.read(65536):
            pass


def chain(
    settings: Settings, openai_url: str | None, anthropic_status: int
) -> FailoverLanguageModel:
    clock = SystemClock()
    cooldown = timedelta(seconds=settings.llm_breaker_cooldown_seconds)
    openai = OpenAiLanguageModel(
        api_key="sk-bench",
        model=settings.openai_model,
        timeout_seconds=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,
        base_url=openai_url,
        http_client=None if openai_url else httpx2.AsyncClient(transport=openai_handler()),
    )
    anthropic = AnthropicLanguageModel(
        api_key="sk-ant-bench",
        model=settings.anthropic_model,
        timeout_seconds=settings.anthropic_timeout_seconds,
        max_retries=settings.anthropic_max_retries,
        http_client=httpx2.AsyncClient(transport=anthropic_handler(anthropic_status)),
    )
    local = LocalLanguageModel({Labels: lambda request: Labels(**LABELS)})
    breaker = lambda: CircuitBreaker(  # noqa: E731
        clock, failure_threshold=settings.llm_breaker_failures, cooldown=cooldown
    )
    return FailoverLanguageModel([Link(openai, breaker()), Link(anthropic, breaker()), Link(local)])


async def timed(model: FailoverLanguageModel, request: LlmRequest) -> tuple[float, str]:
    start = time.perf_counter()
    answer = await model.complete(request, Labels)
    label = f"{answer.provider}{' (degraded)' if answer.degraded else ''}"
    return time.perf_counter() - start, label


async def main() -> None:
    settings = Settings()
    request = PromptBuilder("Label the quest.").data("quest", {"title": "Pay rent"}).request()
    print(
        f"defaults: {settings.openai_timeout_seconds} s per request, "
        f"{settings.openai_max_retries} SDK retries, breaker opens after "
        f"{settings.llm_breaker_failures} failures"
    )
    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
    try:
        healthy = chain(settings, None, 200)
        await timed(healthy, request)  # warm
        seconds, who = await timed(healthy, request)
        print(f"  OpenAI healthy:                      {seconds * 1e3:8.1f} ms  -> {who}")
        seconds, who = await timed(chain(settings, url, 200), request)
        print(f"  OpenAI silent:                       {seconds * 1e3:8.1f} ms  -> {who}")
        both = chain(settings, url, 529)
        for attempt in range(settings.llm_breaker_failures):
            seconds, who = await timed(both, request)
            print(
                f"  OpenAI silent, Anthropic 529 (#{attempt + 1}):   "
                f"{seconds * 1e3:8.1f} ms  -> {who}"
            )
        seconds, who = await timed(both, request)
        print(f"  both circuits open:                  {seconds * 1e3:8.1f} ms  -> {who}")
    finally:
        for writer in HELD:
            writer.close()
        server.close()
        await server.wait_closed()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)  # the chain logs each failover as a warning
    asyncio.run(main())
