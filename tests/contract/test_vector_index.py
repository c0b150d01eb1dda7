"""Contract suite of the ``VectorIndex`` port: numpy (in memory and persisted) and Pinecone.

Pinecone runs through the real ``pinecone`` SDK against a stub data plane on 127.0.0.1 that
speaks the documented REST shapes (see :mod:`tests.contract.pinecone_stub`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from adapters.vectors.numpy_index import NumpyVectorIndex
from adapters.vectors.pinecone_index import PineconeVectorIndex
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.ai import VectorIndex
from tests.contract.llm_stubs import stalled_server
from tests.contract.pinecone_stub import pinecone_server

DIM = 8
ALICE = "user-00000000-0000-0000-0000-000000000001"
BOB = "user-00000000-0000-0000-0000-000000000002"


def unit(*values: float) -> npt.NDArray[np.float32]:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def rows(*vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.stack(vectors).astype(np.float32)


@pytest.fixture(params=["numpy-memory", "numpy-files", "pinecone"])
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[VectorIndex]:
    if request.param == "numpy-memory":
        yield NumpyVectorIndex(DIM)
    elif request.param == "numpy-files":
        yield NumpyVectorIndex(DIM, tmp_path / "vectors")
    else:
        with pinecone_server("pc-test-key", DIM) as (host, _):
            pinecone = PineconeVectorIndex(
                api_key="pc-test-key", host=host, dimensions=DIM, timeout_seconds=5.0
            )
            yield pinecone
            await pinecone.aclose()


async def test_nearest_come_first_with_cosine_scores(index: VectorIndex) -> None:
    await index.upsert(
        ALICE, ["east", "north", "north-east"], rows(unit(1, 0), unit(0, 1), unit(1, 1))
    )
    matches = await index.query(ALICE, unit(1, 0.1), top_k=3)
    assert [m.id for m in matches] == ["east", "north-east", "north"]
    assert matches[0].score == pytest.approx(float(unit(1, 0) @ unit(1, 0.1)), abs=1e-5)
    assert matches[2].score == pytest.approx(float(unit(0, 1) @ unit(1, 0.1)), abs=1e-5)


async def test_top_k_limits_the_answer(index: VectorIndex) -> None:
    await index.upsert(ALICE, ["a", "b", "c"], rows(unit(1), unit(1, 1), unit(0, 1)))
    assert [m.id for m in await index.query(ALICE, unit(1), top_k=2)] == ["a", "b"]
    assert len(await index.query(ALICE, unit(1), top_k=10)) == 3


async def test_scale_does_not_matter_only_direction(index: VectorIndex) -> None:
    await index.upsert(ALICE, ["long", "short"], rows(unit(1, 0) * 40, unit(0, 1) * 0.01))
    matches = await index.query(ALICE, unit(0, 1) * 7, top_k=2)
    assert [m.id for m in matches] == ["short", "long"]
    assert matches[0].score == pytest.approx(1.0, abs=1e-5)


async def test_upserting_an_id_again_replaces_its_vector(index: VectorIndex) -> None:
    await index.upsert(ALICE, ["q"], rows(unit(1, 0)))
    await index.upsert(ALICE, ["q"], rows(unit(0, 1)))
    (match,) = await index.query(ALICE, unit(0, 1), top_k=5)
    assert match.id == "q"
    assert match.score == pytest.approx(1.0, abs=1e-5)


async def test_one_upsert_can_replace_some_ids_and_add_others(index: VectorIndex) -> None:
    await index.upsert(ALICE, ["a", "b"], rows(unit(1), unit(0, 1)))
    await index.upsert(ALICE, ["b", "c"], rows(unit(1, 1), unit(0, 0, 1)))
    found = {m.id: m.score for m in await index.query(ALICE, unit(1, 1), top_k=10)}
    assert set(found) == {"a", "b", "c"}
    assert found["b"] == pytest.approx(1.0, abs=1e-5)


async def test_numpy_keeps_the_last_of_a_repeated_id() -> None:
    index = NumpyVectorIndex(DIM)
    await index.upsert(ALICE, ["a", "a"], rows(unit(1), unit(0, 1)))
    (match,) = await index.query(ALICE, unit(0, 1), top_k=5)
    assert (match.id, round(match.score, 5)) == ("a", 1.0)


async def test_deleted_vectors_are_gone_and_unknown_ids_are_ignored(index: VectorIndex) -> None:
    await index.upsert(ALICE, ["a", "b", "c"], rows(unit(1), unit(1, 1), unit(0, 1)))
    await index.delete(ALICE, ["a", "never-there"])
    assert sorted(m.id for m in await index.query(ALICE, unit(1), top_k=10)) == ["b", "c"]


async def test_one_users_namespace_never_shows_anothers_vectors(index: VectorIndex) -> None:
    await index.upsert(ALICE, ["alice-quest"], rows(unit(1, 0)))
    await index.upsert(BOB, ["bob-quest"], rows(unit(1, 0)))
    assert [m.id for m in await index.query(ALICE, unit(1, 0), top_k=10)] == ["alice-quest"]
    assert [m.id for m in await index.query(BOB, unit(1, 0), top_k=10)] == ["bob-quest"]
    await index.delete(BOB, ["alice-quest"])  # Bob cannot delete Alice's vector by its id
    assert [m.id for m in await index.query(ALICE, unit(1, 0), top_k=10)] == ["alice-quest"]


async def test_an_empty_namespace_has_no_neighbours(index: VectorIndex) -> None:
    assert await index.query("nobody", unit(1), top_k=3) == []


async def test_bad_input_is_refused_before_anything_is_stored(index: VectorIndex) -> None:
    with pytest.raises(ValueError, match="columns"):
        await index.upsert(ALICE, ["x"], np.ones((1, DIM + 1), dtype=np.float32))
    with pytest.raises(ValueError, match="ids"):
        await index.upsert(ALICE, ["x", "y"], rows(unit(1)))
    with pytest.raises(ValueError, match="zero vector"):
        await index.upsert(ALICE, ["x"], np.zeros((1, DIM), dtype=np.float32))
    with pytest.raises(ValueError, match="top_k"):
        await index.query(ALICE, unit(1), top_k=0)
    assert await index.query(ALICE, unit(1), top_k=3) == []


# -- numpy: persisted, so a restart loses nothing -------------------------------------------


async def test_numpy_index_restarted_on_its_folder_keeps_every_vector(tmp_path: Path) -> None:
    folder = tmp_path / "vectors"
    first = NumpyVectorIndex(DIM, folder)
    await first.upsert(ALICE, ["a", "b", "c"], rows(unit(1), unit(1, 1), unit(0, 1)))
    await first.upsert(BOB, ["z"], rows(unit(0, 0, 1)))
    await first.delete(ALICE, ["b"])
    before = await first.query(ALICE, unit(1, 0.2), top_k=5)
    del first

    restarted = NumpyVectorIndex(DIM, folder)
    assert await restarted.query(ALICE, unit(1, 0.2), top_k=5) == before
    assert [m.id for m in await restarted.query(BOB, unit(0, 0, 1), top_k=5)] == ["z"]
    await restarted.upsert(ALICE, ["d"], rows(unit(1, 0.2)))
    again = NumpyVectorIndex(DIM, folder)
    assert (await again.query(ALICE, unit(1, 0.2), top_k=1))[0].id == "d"


async def test_numpy_files_are_replaced_whole_and_hold_no_pickles(tmp_path: Path) -> None:
    folder = tmp_path / "vectors"
    index = NumpyVectorIndex(DIM, folder)
    for i in range(20):
        await index.upsert(ALICE, [f"q{i}"], rows(unit(1, i)))
    (stored,) = folder.iterdir()  # one file per namespace, no temporary files left behind
    assert stored.suffix == ".npz"
    with np.load(stored, allow_pickle=False) as data:
        assert data["vectors"].shape == (20, DIM)
        assert sorted(data["ids"].tolist()) == sorted(f"q{i}" for i in range(20))


async def test_numpy_refuses_files_of_another_width(tmp_path: Path) -> None:
    await NumpyVectorIndex(DIM, tmp_path).upsert(ALICE, ["a"], rows(unit(1)))
    with pytest.raises(ValueError, match="expected"):
        await NumpyVectorIndex(DIM * 2, tmp_path).query(ALICE, np.ones(DIM * 2), top_k=1)


# -- pinecone: what goes over the wire, and failures -----------------------------------------


async def test_pinecone_writes_each_users_vectors_to_their_namespace() -> None:
    with pinecone_server("pc-test-key", DIM) as (host, stub):
        index = PineconeVectorIndex(
            api_key="pc-test-key", host=host, dimensions=DIM, timeout_seconds=5.0
        )
        ids = [f"q{i}" for i in range(250)]
        vectors = np.tile(unit(1, 1), (250, 1)).astype(np.float32)
        await index.upsert(ALICE, ids, vectors)
        await index.aclose()
    upserts: list[dict[str, Any]] = [body for path, body in stub.requests]
    assert [len(b["vectors"]) for b in upserts] == [100, 100, 50]  # batched under the limits
    assert {b["namespace"] for b in upserts} == {ALICE}
    assert set(stub.namespaces[ALICE]) == set(ids)


async def test_pinecone_errors_are_service_unavailable() -> None:
    with pinecone_server("pc-test-key", DIM) as (host, stub):
        wrong_key = PineconeVectorIndex(
            api_key="not-the-key", host=host, dimensions=DIM, timeout_seconds=5.0
        )
        with pytest.raises(ServiceUnavailable):
            await wrong_key.query(ALICE, unit(1), top_k=1)
        await wrong_key.aclose()
        index = PineconeVectorIndex(
            api_key="pc-test-key", host=host, dimensions=DIM, timeout_seconds=5.0
        )
        stub.fail_with = (429, b'{"code": 8, "message": "Too many requests"}')
        with pytest.raises(ServiceUnavailable):
            await index.upsert(ALICE, ["a"], rows(unit(1)))
        stub.fail_with = (200, b"<html>not json</html>")
        with pytest.raises(ServiceUnavailable):
            await index.query(ALICE, unit(1), top_k=1)
        await index.aclose()


def test_pinecone_needs_a_key_and_a_host() -> None:
    with pytest.raises(ValueError, match="host"):
        PineconeVectorIndex(api_key="k", host="", dimensions=DIM, timeout_seconds=1.0)


@pytest.mark.timeout(30)
async def test_a_silent_pinecone_fails_after_the_configured_timeout() -> None:
    async with stalled_server() as host:
        index = PineconeVectorIndex(
            api_key="pc-test-key", host=host, dimensions=DIM, timeout_seconds=0.3
        )
        with pytest.raises(ServiceUnavailable):
            await index.query(ALICE, unit(1), top_k=1)
        await index.aclose()


async def test_numpy_concurrent_upserts_to_one_namespace_all_land_on_disk(tmp_path: Path) -> None:
    index = NumpyVectorIndex(DIM, tmp_path)
    await asyncio.gather(*(index.upsert(ALICE, [f"q{i}"], rows(unit(1, i + 1))) for i in range(20)))
    restarted = NumpyVectorIndex(DIM, tmp_path)
    assert len(await restarted.query(ALICE, unit(1), top_k=50)) == 20
