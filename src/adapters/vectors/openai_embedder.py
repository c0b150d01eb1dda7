"""OpenAI embeddings (official ``openai`` SDK), for production.

Calls the embeddings endpoint with an **explicit** timeout and retry count, asks for
``dimensions`` columns (``text-embedding-3-*`` models shorten on request) as floats, decodes the
documented response shape (``data[].index``, ``data[].embedding``) with msgspec, checks the
count and width, and re-normalises. Empty texts are not sent: they embed as zeros, as the local
embedder's do. Any failure is :class:`~questlog_core.errors.ServiceUnavailable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec
import numpy as np
import numpy.typing as npt
import openai

from adapters.vectors.embedders import unit_rows
from questlog_core.errors import ServiceUnavailable

if TYPE_CHECKING:
    import httpx2


class _Embedding(msgspec.Struct):
    index: int
    embedding: list[float]


class _EmbeddingList(msgspec.Struct):
    data: list[_Embedding]


class OpenAiEmbedder:
    """OpenAI embeddings (``text-embedding-3-small`` by default)."""

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        dimensions: int,
        timeout_seconds: float,
        max_retries: int,
        base_url: str | None = None,
        http_client: httpx2.AsyncClient | None = None,
        batch_size: int = 512,
    ) -> None:
        if not api_key:
            raise ValueError("the OpenAI embedder needs an API key")
        self.dimensions = dimensions
        self.model = model
        self._batch = batch_size
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url or None,
            timeout=timeout_seconds,
            max_retries=max_retries,
            http_client=http_client,
        )

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length row per text; raises ``ServiceUnavailable`` when OpenAI fails."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        for start in range(0, len(wanted), self._batch):
            rows = wanted[start : start + self._batch]
            out[rows] = await self._embed_batch([texts[i] for i in rows])
        return unit_rows(out)

    async def _embed_batch(self, texts: list[str]) -> npt.NDArray[np.float32]:
        try:
            raw = await self._client.embeddings.with_raw_response.create(
                model=self.model,
                input=texts,
                dimensions=self.dimensions,
                encoding_format="float",
            )
            body = raw.http_response.content
        except openai.APIError as exc:
            raise ServiceUnavailable(f"OpenAI embeddings failed: {type(exc).__name__}") from exc
        try:
            answer = msgspec.json.decode(body, type=_EmbeddingList)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ServiceUnavailable("OpenAI embeddings: malformed response body") from exc
        by_index = {item.index: item.embedding for item in answer.data}
        if sorted(by_index) != list(range(len(texts))) or any(
            len(v) != self.dimensions for v in by_index.values()
        ):
            raise ServiceUnavailable("OpenAI embeddings: wrong count or width of vectors")
        return np.asarray([by_index[i] for i in range(len(texts))], dtype=np.float32)

    async def aclose(self) -> None:
        """Close the SDK's HTTP client."""
        await self._client.close()


__all__ = ["OpenAiEmbedder"]
