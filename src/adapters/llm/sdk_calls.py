"""What the OpenAI and Anthropic adapters do alike around one SDK call.

Both SDKs raise the same three kinds of error (a timeout, an HTTP status, anything else of
theirs); both answers are decoded by msgspec into the provider's documented shape; and an answer
that was billed but cannot be used is a :class:`ProviderFailure` that says what it cost. The
provider-specific parts (the request, the response shape, where the answer sits) stay in each
adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import msgspec

from questlog_core.ports.ai import ProviderFailure, Spend

T = TypeVar("T")


def check_provider_settings(
    label: str, *, api_key: str, timeout_seconds: float, max_retries: int
) -> None:
    """Refuse a provider adapter without a key, or with an unbounded timeout or retry count
    (the SDKs' own defaults are 600 s and 2 retries)."""
    if not api_key:
        raise ValueError(f"the {label} adapter needs an API key")
    if timeout_seconds <= 0 or max_retries < 0:
        raise ValueError("timeout must be positive and max_retries not negative")


@contextmanager
def sdk_failures(
    provider: str,
    *,
    timeout: type[BaseException],
    status: type[BaseException],
    other: type[BaseException],
) -> Iterator[None]:
    """Turn the SDK's timeout, HTTP-status and other errors into :class:`ProviderFailure`."""
    try:
        yield
    except timeout as exc:
        raise ProviderFailure(provider, "timed out") from exc
    except status as exc:
        raise ProviderFailure(provider, f"HTTP {getattr(exc, 'status_code', '?')}") from exc
    except other as exc:
        raise ProviderFailure(provider, f"{type(exc).__name__}: {exc}") from exc


def decode_body(provider: str, body: bytes, shape: type[T]) -> T:
    """The response body in the provider's documented ``shape``; malformed is a failure."""
    try:
        return msgspec.json.decode(body, type=shape)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ProviderFailure(provider, f"malformed response body: {exc}") from exc


def billed(provider: str, spent: Spend, answer: Callable[[], T]) -> T:
    """``answer()``; a :class:`ProviderFailure` it raises is re-raised saying what it cost
    (the tokens were billed even though the answer is unusable)."""
    try:
        return answer()
    except ProviderFailure as exc:
        raise ProviderFailure(provider, exc.reason, spent=spent) from exc


__all__ = ["billed", "check_provider_settings", "decode_body", "sdk_failures"]
