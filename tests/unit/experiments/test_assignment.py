"""Deterministic assignment: the same variant every time and everywhere, weights respected."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from questlog_core.analytics.experiments.model import Variant, assign, bucket_point
from questlog_core.kernel.ids import UserId

users = st.uuids().map(UserId)
keys = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
variant_sets = st.lists(st.integers(min_value=1, max_value=10_000), min_size=2, max_size=10).map(
    lambda ws: [Variant(key=f"v{i}", weight=w) for i, w in enumerate(ws)]
)


@given(keys, users, variant_sets)
def test_the_same_user_always_gets_the_same_variant(
    key: str, user: UserId, variants: list[Variant]
) -> None:
    first = assign(key, user, variants)
    assert all(assign(key, user, list(variants)) == first for _ in range(3))
    assert first in {v.key for v in variants}


@given(keys, st.lists(users, min_size=1, max_size=50, unique=True), users, variant_sets)
def test_adding_a_user_moves_nobody_else(
    key: str, population: list[UserId], newcomer: UserId, variants: list[Variant]
) -> None:
    before = {u: assign(key, u, variants) for u in population}
    after = {u: assign(key, u, variants) for u in [*population, newcomer]}
    assert {u: after[u] for u in population} == before


@given(keys, users, st.integers(min_value=1, max_value=10**9))
def test_the_point_is_the_documented_sha256_slice(key: str, user: UserId, total: int) -> None:
    h = int.from_bytes(hashlib.sha256(f"{key}:{user}".encode()).digest()[:8], "big")
    point = bucket_point(key, user, total)
    assert 0 <= point < total
    assert point == h * total // 2**64


@settings(max_examples=20, deadline=None)
@given(
    keys,
    st.lists(st.integers(min_value=1, max_value=20), min_size=2, max_size=4),
    st.integers(min_value=0, max_value=2**32),
)
def test_weights_are_respected_over_many_users(key: str, weights: list[int], seed: int) -> None:
    variants = [Variant(key=f"v{i}", weight=w) for i, w in enumerate(weights)]
    n = 20_000
    counts = Counter(assign(key, UserId(UUID(int=(seed << 64) + i)), variants) for i in range(n))
    total = sum(weights)
    for v in variants:
        p = v.weight / total
        # five standard deviations of a binomial count: a false alarm about once in 3.5 million
        tolerance = 5 * (n * p * (1 - p)) ** 0.5
        assert abs(counts[v.key] - n * p) <= tolerance, (v, counts)


def test_the_first_user_of_a_known_key_lands_where_it_always_did() -> None:
    # a fixed answer pins the algorithm: changing the hash would move every running user
    user = UserId(UUID("00000000-0000-0000-0000-000000000001"))
    variants = [Variant(key="control", weight=1), Variant(key="treatment", weight=1)]
    expected = bucket_point("onboarding-tips", user, 2)
    assert assign("onboarding-tips", user, variants) == ("control", "treatment")[expected]
    h = int.from_bytes(
        hashlib.sha256(b"onboarding-tips:00000000-0000-0000-0000-000000000001").digest()[:8], "big"
    )
    assert expected == (0 if h < 2**63 else 1)


def test_another_process_computes_the_same_variants() -> None:
    variants = [Variant(key="a", weight=3), Variant(key="b", weight=2), Variant(key="c", weight=5)]
    ids = [UUID(int=i * 7919) for i in range(200)]
    here = [assign("cross-process", UserId(u), variants) for u in ids]
    code = (
        "from uuid import UUID\n"
        "from questlog_core.analytics.experiments.model import Variant, assign\n"
        "vs=[Variant(key='a',weight=3),Variant(key='b',weight=2),Variant(key='c',weight=5)]\n"
        f"n={len(ids)}\n"
        "print(','.join(assign('cross-process', UUID(int=i*7919), vs) for i in range(n)))\n"
    )
    # a fresh interpreter with a different hash seed: nothing depends on Python's hash()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "PYTHONHASHSEED": "12345"},
    )
    assert out.stdout.strip().split(",") == here
