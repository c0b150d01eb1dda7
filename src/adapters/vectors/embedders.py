"""Text embedders: a local deterministic one (the default) and OpenAI embeddings.

:class:`HashingEmbedder` needs no model and no download: each text becomes a bag of features
(lower-cased words, word bigrams and the character trigrams of each word), each feature is
hashed with BLAKE2b (stable across processes and machines, unlike ``hash()``) to a column and a
sign, the counts are damped (``log1p``) and the row is scaled to unit length. Similar wording
gives similar vectors; it knows nothing of synonyms, which is what the OpenAI embedder is for.

:class:`OpenAiEmbedder` calls the embeddings endpoint through the official SDK with an explicit
timeout and retry count, asks for ``dimensions`` columns (``text-embedding-3-*`` models shorten
on request) as floats, and re-normalises. Empty texts are not sent: they embed as zeros.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec
import numpy as np
import numpy.typing as npt
import openai

from questlog_core.errors import ServiceUnavailable

if TYPE_CHECKING:
    import httpx2

_WORD = re.compile(r"\w+", re.UNICODE)


def _unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


class HashingEmbedder:
    """Deterministic feature-hashing embedder (numpy only)."""

    def __init__(self, dimensions: int = 256) -> None:
        if dimensions < 8:
            raise ValueError("an embedding needs at least 8 dimensions")
        self.dimensions = dimensions

    def _features(self, text: str) -> list[str]:
        words = _WORD.findall(text.lower())
        features = [f"w:{w}" for w in words]
        features += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
        for word in words:
            padded = f"<{word}>"
            features += [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
        return features

    def embed_now(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The embeddings, computed in the calling thread (no I/O)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                column = value % self.dimensions
                out[row, column] += 1.0 if (value >> 63) & 1 else -1.0
        np.copysign(np.log1p(np.abs(out)), out, out=out)
        return _unit_rows(out)

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length row per text (zeros for a text with no words)."""
        return self.embed_now(texts)


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
        return _unit_rows(out)

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


__all__ = ["HashingEmbedder", "OpenAiEmbedder"]
