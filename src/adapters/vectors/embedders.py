"""The local deterministic text embedder (the default; OpenAI's is in :mod:`.openai_embedder`).

:class:`HashingEmbedder` needs no model and no download: each text becomes a bag of features
(lower-cased words, word bigrams and the character trigrams of each word), each feature is
hashed with BLAKE2b (stable across processes and machines, unlike ``hash()``) to a column and a
sign, the counts are damped (``log1p``) and the row is scaled to unit length. Similar wording
gives similar vectors; it knows nothing of synonyms, which is what the OpenAI embedder is for.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w+", re.UNICODE)


def unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``matrix`` with every non-zero row scaled to unit length, in place (zero rows stay)."""
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
        return unit_rows(out)

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length row per text (zeros for a text with no words)."""
        return self.embed_now(texts)


__all__ = ["HashingEmbedder", "unit_rows"]
