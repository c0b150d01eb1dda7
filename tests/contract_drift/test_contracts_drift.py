"""The committed contracts match what the code generates: an API or event change is a diff."""

from __future__ import annotations

import pytest

from apps.contracts import CONTRACTS, generate

GENERATED = generate()


@pytest.mark.parametrize("relative", sorted(GENERATED))
def test_committed_contract_matches_the_code(relative: str) -> None:
    committed = CONTRACTS / relative
    assert committed.exists(), f"contracts/{relative} is missing: run `make contracts`"
    assert committed.read_text(encoding="utf-8") == GENERATED[relative], (
        f"contracts/{relative} drifted from the code: run `make contracts` and review the diff"
    )


def test_no_stale_contract_files() -> None:
    on_disk = {str(p.relative_to(CONTRACTS)) for p in CONTRACTS.glob("*/*.json")}
    assert on_disk <= set(GENERATED), f"stale contracts: {sorted(on_disk - set(GENERATED))}"


def test_every_event_has_a_schema() -> None:
    from questlog_core.events import event_types

    for tag in event_types():
        assert f"events/{tag}.json" in GENERATED
