"""Ports of the AI layer: language models, embedders, vector indexes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec
import numpy as np
import numpy.typing as npt


class Completion(msgspec.Struct, frozen=True, kw_only=True):
    """A language model's answer, saying which model produced it (fallbacks say so)."""

    text: str
    model: str
    is_fallback: bool = False


class LanguageModel(Protocol):
    async def complete(self, system: str, prompt: str, *, max_tokens: int = 512) -> Completion: ...


class Embedder(Protocol):
    dimensions: int

    async def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class VectorMatch(msgspec.Struct, frozen=True):
    id: str
    score: float


class VectorIndex(Protocol):
    """Vectors per namespace (one per owner), nearest by cosine similarity."""

    async def upsert(
        self, namespace: str, ids: Sequence[str], vectors: npt.NDArray[np.float32]
    ) -> None: ...
    async def query(
        self, namespace: str, vector: npt.NDArray[np.float32], top_k: int
    ) -> list[VectorMatch]: ...
    async def delete(self, namespace: str, ids: Sequence[str]) -> None: ...


__all__ = ["Completion", "Embedder", "LanguageModel", "VectorIndex", "VectorMatch"]
