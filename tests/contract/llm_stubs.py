"""Provider-shaped HTTP stubs for the OpenAI and Anthropic SDKs.

The SDKs (openai 3.x, anthropic 2.x) send through ``httpx2``; each adapter under test gets an
``httpx2.AsyncClient`` whose transport is an ``httpx2.MockTransport`` answering with bodies in
the providers' documented response shapes (a chat completion; a message with a ``tool_use``
block), their error shapes (429 with ``retry-after``, 500, Anthropic's 529), malformed bodies,
or a transport timeout. Our code is never patched: the SDK builds and sends real requests,
which the stubs record for the tests to inspect.

:func:`stalled_server` is a real TCP server on 127.0.0.1 that accepts a request and never
answers, so a timeout is the SDK's own, measured by its own clock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

Handler = Callable[[httpx2.Request], httpx2.Response]


class Recorder:
    """A mock transport that records every request and answers with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.handler(request)

    def client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self))

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def openai_completion(
    content: str | None, *, refusal: str | None = None, finish_reason: str = "stop"
) -> Handler:
    """A chat completion (https://platform.openai.com/docs/api-reference/chat/object)."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        assert request.url.path.endswith("/chat/completions")
        return httpx2.Response(
            200,
            json={
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": 1_765_000_000,
                "model": "gpt-5.4-mini-2026-03-17",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": refusal},
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
                "system_fingerprint": "fp_stub",
            },
        )

    return handle


def anthropic_tool_use(tool_input: object, *, name: str | None = None) -> Handler:
    """A message whose content is one ``tool_use`` block
    (https://docs.anthropic.com/en/api/messages): the tool named in the request, unless
    ``name`` says otherwise."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        assert request.url.path.endswith("/v1/messages")
        sent = json.loads(request.content)
        tool = name or sent["tool_choice"]["name"]
        return httpx2.Response(
            200,
            json={
                "id": "msg_stub",
                "type": "message",
                "role": "assistant",
                "model": "claude-haiku-4-5-20251001",
                "content": [
                    {"type": "tool_use", "id": "toolu_stub", "name": tool, "input": tool_input}
                ],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": {"input_tokens": 140, "output_tokens": 25},
            },
        )

    return handle


def anthropic_text(text: str, stop_reason: str = "end_turn") -> Handler:
    """A message with only a text block (the model did not call the tool)."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            json={
                "id": "msg_stub",
                "type": "message",
                "role": "assistant",
                "model": "claude-haiku-4-5-20251001",
                "content": [{"type": "text", "text": text}],
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": {"input_tokens": 140, "output_tokens": 12},
            },
        )

    return handle


def openai_error(status: int) -> Handler:
    """OpenAI's error body (``{"error": {...}}``) with ``status``."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        headers = {"retry-after": "0"} if status == 429 else {}
        kind = "rate_limit_exceeded" if status == 429 else "server_error"
        return httpx2.Response(
            status,
            headers=headers,
            json={"error": {"message": "stub", "type": kind, "param": None, "code": kind}},
        )

    return handle


def anthropic_error(status: int) -> Handler:
    """Anthropic's error body (``{"type": "error", "error": {...}}``) with ``status``."""
    kinds = {429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}

    def handle(request: httpx2.Request) -> httpx2.Response:
        headers = {"retry-after": "0"} if status == 429 else {}
        return httpx2.Response(
            status,
            headers=headers,
            json={
                "type": "error",
                "error": {"type": kinds.get(status, "api_error"), "message": "stub"},
            },
        )

    return handle


def malformed(body: bytes = b"<html>502 Bad Gateway</html>") -> Handler:
    """A 200 whose body is not the documented JSON."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "application/json"})

    return handle


def timing_out(request: httpx2.Request) -> httpx2.Response:
    """The transport gives up waiting for the response."""
    raise httpx2.ReadTimeout("timed out", request=request)


@asynccontextmanager
async def stalled_server() -> AsyncIterator[str]:
    """``http://127.0.0.1:<port>``: accepts connections, reads, never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        try:
            while await reader.read(65536):
                pass
        except ConnectionError:
            pass

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
