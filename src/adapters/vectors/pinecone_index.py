"""``VectorIndex`` on Pinecone (the ``pinecone`` SDK, successor of ``pinecone-client``).

One Pinecone index (created with ``dimension`` and ``metric="cosine"``) holds every user's
vectors, one **namespace per user**, so a query in one user's namespace can never return
another's. The adapter talks to the index's data-plane host through the SDK's
:class:`pinecone.AsyncIndex`, built from the host directly (no control-plane call at start),
with an explicit timeout. Upserts go in batches of :data:`UPSERT_BATCH` vectors and deletes of
:data:`DELETE_BATCH` ids (under the API's request limits). Any SDK error is a
:class:`~questlog_core.errors.ServiceUnavailable`. Pinecone applies writes asynchronously: a
query right after an upsert may not see it yet (freshness is seconds).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pinecone

from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.ai import VectorMatch

#: Vectors per upsert request (1536 floats x 100 stays under the 2 MB request limit).
UPSERT_BATCH = 100
#: Ids per delete request (the API's limit is 1000).
DELETE_BATCH = 1000


class PineconeVectorIndex:
    """Cosine nearest neighbours in a Pinecone index, a namespace per user."""

    def __init__(self, *, api_key: str, host: str, dimensions: int, timeout_seconds: float) -> None:
        if not api_key or not host:
            raise ValueError("the Pinecone index needs an API key and the index host")
        self.dimensions = dimensions
        self._index = pinecone.AsyncIndex(host=host, api_key=api_key, timeout=timeout_seconds)

    def _rows(self, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        matrix = np.array(vectors, dtype=np.float32, ndmin=2)
        if matrix.ndim != 2 or matrix.shape[1] != self.dimensions:
            raise ValueError(f"vectors must have {self.dimensions} columns, got {matrix.shape}")
        if (np.linalg.norm(matrix, axis=1) == 0).any():
            raise ValueError("a zero vector has no direction: cosine similarity is undefined")
        return matrix

    async def upsert(
        self, namespace: str, ids: Sequence[str], vectors: npt.NDArray[np.float32]
    ) -> None:
        """Add or replace ``ids`` in ``namespace``."""
        matrix = self._rows(vectors)
        if len(ids) != len(matrix):
            raise ValueError(f"{len(ids)} ids for {len(matrix)} vectors")
        records = [
            {"id": id_, "values": row.tolist()} for id_, row in zip(ids, matrix, strict=True)
        ]
        for start in range(0, len(records), UPSERT_BATCH):
            try:
                await self._index.upsert(
                    vectors=records[start : start + UPSERT_BATCH],
                    namespace=namespace,
                    show_progress=False,
                )
            except pinecone.PineconeError as exc:
                raise ServiceUnavailable(f"Pinecone upsert failed: {exc}") from exc

    async def query(
        self, namespace: str, vector: npt.NDArray[np.float32], top_k: int
    ) -> list[VectorMatch]:
        """The ``top_k`` most similar vectors of ``namespace``, best first."""
        if top_k < 1:
            raise ValueError("top_k must be positive")
        values = self._rows(vector)[0].tolist()
        try:
            response = await self._index.query(
                vector=values, top_k=top_k, namespace=namespace, include_values=False
            )
        except pinecone.PineconeError as exc:
            raise ServiceUnavailable(f"Pinecone query failed: {exc}") from exc
        return [VectorMatch(match.id, float(match.score)) for match in response.matches]

    async def delete(self, namespace: str, ids: Sequence[str]) -> None:
        """Remove ``ids`` from ``namespace`` (unknown ids are ignored)."""
        for start in range(0, len(ids), DELETE_BATCH):
            try:
                await self._index.delete(
                    ids=list(ids[start : start + DELETE_BATCH]), namespace=namespace
                )
            except pinecone.PineconeError as exc:
                raise ServiceUnavailable(f"Pinecone delete failed: {exc}") from exc

    async def aclose(self) -> None:
        """Close the SDK's connection pool."""
        await self._index.close()


__all__ = ["DELETE_BATCH", "UPSERT_BATCH", "PineconeVectorIndex"]
