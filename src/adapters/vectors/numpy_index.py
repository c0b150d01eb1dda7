"""``VectorIndex`` in process: exact cosine similarity with numpy, persisted per namespace.

Each namespace (one per user) is a matrix of unit-length rows plus the ids of those rows. A
query is one matrix-vector product and an ``argpartition`` for the top k: exact, not
approximate. With a ``directory``, every change rewrites that namespace's file
(``<sha256 of the namespace>.npz``: ``ids`` and ``vectors``, no pickles) through a temporary
file, ``fsync`` and ``os.replace``, so a crash leaves either the old file or the new one and a
restart loses nothing that was acknowledged. Files are read when a namespace is first used.

One process owns a directory (the embedded all-in-one); several processes sharing vectors is
what the Pinecone adapter is for.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from questlog_core.ports.ai import VectorMatch


class _Space:
    """One namespace's rows (the first ``size`` rows of ``vectors`` are live)."""

    def __init__(self, dimensions: int, ids: list[str], vectors: npt.NDArray[np.float32]) -> None:
        self.ids = ids
        self.rows = {id_: i for i, id_ in enumerate(ids)}
        self.size = len(ids)
        capacity = max(16, self.size)
        self.vectors = np.zeros((capacity, dimensions), dtype=np.float32)
        self.vectors[: self.size] = vectors
        self.lock = asyncio.Lock()

    def put(self, ids: Sequence[str], matrix: npt.NDArray[np.float32]) -> None:
        """Replace the rows of known ids, append the new ones (the last of a repeated id wins)."""
        last = {id_: i for i, id_ in enumerate(ids)}
        known = [(self.rows[id_], i) for id_, i in last.items() if id_ in self.rows]
        new = [(id_, i) for id_, i in last.items() if id_ not in self.rows]
        if known:
            self.vectors[[row for row, _ in known]] = matrix[[i for _, i in known]]
        if new:
            needed = self.size + len(new)
            if needed > len(self.vectors):  # grow geometrically: appends stay amortised O(1)
                grown = np.zeros(
                    (max(needed, 2 * len(self.vectors)), self.vectors.shape[1]), dtype=np.float32
                )
                grown[: self.size] = self.vectors[: self.size]
                self.vectors = grown
            self.vectors[self.size : needed] = matrix[[i for _, i in new]]
            for offset, (id_, _) in enumerate(new):
                self.rows[id_] = self.size + offset
                self.ids.append(id_)
            self.size = needed

    def remove(self, id_: str) -> bool:
        row = self.rows.pop(id_, None)
        if row is None:
            return False
        last = self.size - 1
        if row != last:  # move the last row into the hole, keeping rows dense
            moved = self.ids[last]
            self.vectors[row] = self.vectors[last]
            self.ids[row] = moved
            self.rows[moved] = row
        self.ids.pop()
        self.size = last
        return True


class NumpyVectorIndex:
    """Exact cosine nearest neighbours; ``directory=None`` keeps everything in memory only."""

    def __init__(self, dimensions: int, directory: str | Path | None = None) -> None:
        if dimensions < 1:
            raise ValueError("dimensions must be positive")
        self.dimensions = dimensions
        self._dir = None if directory is None else Path(directory)
        if self._dir is not None:
            self._dir.mkdir(parents=True, exist_ok=True)
        self._spaces: dict[str, _Space] = {}
        self._loading = asyncio.Lock()

    def _path(self, namespace: str) -> Path:
        assert self._dir is not None
        return self._dir / f"{hashlib.sha256(namespace.encode()).hexdigest()}.npz"

    async def _space(self, namespace: str) -> _Space:
        space = self._spaces.get(namespace)
        if space is not None:
            return space
        async with self._loading:  # one reader of a file at a time, never two copies
            space = self._spaces.get(namespace)
            if space is None:
                # reading a large file must not stall every other request on the event loop
                space = await asyncio.to_thread(self._load, namespace)
                self._spaces[namespace] = space
        return space

    def _load(self, namespace: str) -> _Space:
        ids: list[str] = []
        vectors = np.zeros((0, self.dimensions), dtype=np.float32)
        if self._dir is not None and self._path(namespace).exists():
            with np.load(self._path(namespace), allow_pickle=False) as stored:
                ids = [str(i) for i in stored["ids"]]
                vectors = stored["vectors"].astype(np.float32, copy=False)
            if vectors.shape != (len(ids), self.dimensions):
                raise ValueError(
                    f"stored vectors of {namespace!r} are {vectors.shape}, "
                    f"expected ({len(ids)}, {self.dimensions})"
                )
        return _Space(self.dimensions, ids, vectors)

    def _unit(self, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        matrix = np.array(vectors, dtype=np.float32, ndmin=2)
        if matrix.ndim != 2 or matrix.shape[1] != self.dimensions:
            raise ValueError(f"vectors must have {self.dimensions} columns, got {matrix.shape}")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if (norms == 0).any():
            raise ValueError("a zero vector has no direction: cosine similarity is undefined")
        matrix /= norms
        return matrix

    async def upsert(
        self, namespace: str, ids: Sequence[str], vectors: npt.NDArray[np.float32]
    ) -> None:
        """Add or replace ``ids`` in ``namespace`` (stored at unit length); saved before return."""
        matrix = self._unit(vectors)
        if len(ids) != len(matrix):
            raise ValueError(f"{len(ids)} ids for {len(matrix)} vectors")
        space = await self._space(namespace)
        async with space.lock:
            space.put(ids, matrix)
            await self._save(namespace, space)

    async def delete(self, namespace: str, ids: Sequence[str]) -> None:
        """Remove ``ids`` from ``namespace`` (unknown ids are ignored); saved before return."""
        space = await self._space(namespace)
        async with space.lock:
            removed = [space.remove(id_) for id_ in ids]  # every id, no short-circuit
            if any(removed):
                await self._save(namespace, space)

    async def query(
        self, namespace: str, vector: npt.NDArray[np.float32], top_k: int
    ) -> list[VectorMatch]:
        """The ``top_k`` most similar rows, best first (ties by id)."""
        if top_k < 1:
            raise ValueError("top_k must be positive")
        query = self._unit(vector)[0]
        space = await self._space(namespace)
        if space.size == 0:
            return []
        scores = space.vectors[: space.size] @ query
        k = min(top_k, space.size)
        best = np.argpartition(-scores, k - 1)[:k] if k < space.size else np.arange(space.size)
        ranked = sorted(best.tolist(), key=lambda i: (-float(scores[i]), space.ids[i]))
        return [VectorMatch(space.ids[i], float(scores[i])) for i in ranked]

    async def count(self, namespace: str) -> int:
        """How many vectors ``namespace`` holds."""
        return (await self._space(namespace)).size

    async def _save(self, namespace: str, space: _Space) -> None:
        if self._dir is None:
            return
        ids = np.array(space.ids, dtype=str)
        vectors = space.vectors[: space.size].copy()
        await asyncio.to_thread(_write_atomically, self._path(namespace), ids, vectors)


def _write_atomically(
    path: Path, ids: npt.NDArray[np.str_], vectors: npt.NDArray[np.float32]
) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, ids=ids, vectors=vectors)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


__all__ = ["NumpyVectorIndex"]
