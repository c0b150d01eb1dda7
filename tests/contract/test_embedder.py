"""Contract suite of the ``Embedder`` port: the local hashing embedder and OpenAI embeddings
(the real SDK against a ``MockTransport`` answering in the documented embeddings shape)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx2
import numpy as np
import pytest

from adapters.vectors.embedders import HashingEmbedder
from adapters.vectors.openai_embedder import OpenAiEmbedder
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.ai import Embedder
from tests.contract import llm_stubs as stubs

DIM = 64
TEXTS = ["Pay rent", "Pay the rent on the 1st", "Water the plants", "pay rent"]


def fake_openai_vector(text: str) -> list[float]:
    """A deterministic stand-in for a model's embedding: similar wording, similar vector
    (the local embedder's features), scaled to unit length as OpenAI's are."""
    vector = HashingEmbedder(DIM).embed_now([text])[0]
    return [float(x) for x in vector]


def openai_embeddings(request: httpx2.Request) -> httpx2.Response:
    """https://platform.openai.com/docs/api-reference/embeddings/object"""
    body = json.loads(request.content)
    assert request.url.path.endswith("/embeddings")
    data = [
        {"object": "embedding", "index": i, "embedding": fake_openai_vector(text)}
        for i, text in enumerate(body["input"])
    ]
    data.reverse()  # the index field, not the order, says which input a vector belongs to
    return httpx2.Response(
        200,
        json={
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": 8, "total_tokens": 8},
        },
    )


def openai_embedder(handler: stubs.Handler) -> tuple[OpenAiEmbedder, stubs.Recorder]:
    recorder = stubs.Recorder(handler)
    embedder = OpenAiEmbedder(
        api_key="sk-test",
        model="text-embedding-3-small",
        dimensions=DIM,
        timeout_seconds=1.0,
        max_retries=0,
        http_client=recorder.client(),
        batch_size=3,
    )
    return embedder, recorder


@pytest.fixture(params=["local", "openai"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "local":
        return HashingEmbedder(DIM)
    return openai_embedder(openai_embeddings)[0]


async def test_one_row_per_text_of_the_declared_width(embedder: Embedder) -> None:
    vectors = await embedder.embed(TEXTS)
    assert embedder.dimensions == DIM
    assert vectors.shape == (len(TEXTS), DIM)
    assert vectors.dtype == np.float32


async def test_the_same_text_always_gives_the_same_vector(embedder: Embedder) -> None:
    first = await embedder.embed(TEXTS)
    again = await embedder.embed(list(reversed(TEXTS)))
    np.testing.assert_array_equal(first, again[::-1])


async def test_rows_have_unit_length_and_empty_texts_are_zero(embedder: Embedder) -> None:
    vectors = await embedder.embed([*TEXTS, "", "   "])
    np.testing.assert_allclose(np.linalg.norm(vectors[: len(TEXTS)], axis=1), 1.0, rtol=1e-5)
    assert not vectors[len(TEXTS) :].any()


async def test_similar_wording_is_closer_than_unrelated_text(embedder: Embedder) -> None:
    rent, rent_again, plants, lower = await embedder.embed(TEXTS)
    assert float(rent @ rent_again) > float(rent @ plants)
    assert float(rent @ lower) == pytest.approx(1.0, abs=1e-5)  # case does not matter


async def test_no_texts_no_rows(embedder: Embedder) -> None:
    assert (await embedder.embed([])).shape == (0, DIM)


def test_the_local_embedder_is_stable_across_processes() -> None:
    # BLAKE2b, not hash(): another process with another hash seed computes the same vector.
    script = (
        "from adapters.vectors.embedders import HashingEmbedder;"
        f"print(HashingEmbedder({DIM}).embed_now(['Pay rent'])[0].tobytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    here = HashingEmbedder(DIM).embed_now(["Pay rent"])[0]
    assert other.stdout.strip() == here.tobytes().hex()
    assert np.count_nonzero(here) > 5


async def test_openai_asks_for_floats_of_the_width_in_batches_skipping_empty_texts() -> None:
    embedder, recorder = openai_embedder(openai_embeddings)
    await embedder.embed(["a b", "", "c d", "e f", "g h"])
    bodies = recorder.bodies()
    assert [b["input"] for b in bodies] == [["a b", "c d", "e f"], ["g h"]]
    assert all(b["dimensions"] == DIM and b["encoding_format"] == "float" for b in bodies)
    assert all(b["model"] == "text-embedding-3-small" for b in bodies)


@pytest.mark.parametrize(
    "handler",
    [
        stubs.timing_out,
        stubs.openai_error(429),
        stubs.openai_error(500),
        stubs.malformed(),
        stubs.malformed(b'{"object": "list", "data": []}'),
        stubs.malformed(b'{"object": "list", "data": [{"index": 0, "embedding": [0.5]}]}'),
    ],
    ids=["timeout", "429", "500", "not-json", "missing-rows", "wrong-width"],
)
async def test_openai_failures_are_service_unavailable(handler: stubs.Handler) -> None:
    embedder, _ = openai_embedder(handler)
    with pytest.raises(ServiceUnavailable):
        await embedder.embed(["Pay rent"])
