"""The experiment example runs as a user would run it and prints the figures it promises."""

from __future__ import annotations

from tests.unit.test_examples import run_example


def test_the_experiment_quickstart_assigns_stably_and_summarises_with_intervals() -> None:
    out = run_example("experiment_quickstart.py").splitlines()
    assert out[0] == "Same variant when asked again: True"
    # the variants come from SHA-256 of key and user id, so these counts never change
    assert out[1] == "control: 153/498 completed a quest = 30.7% [26.8%, 34.9%]"
    assert out[2] == (
        "tips: 195/502 completed a quest = 38.8% [34.7%, 43.2%]; vs control +8.1% [+2.2%, +13.9%]"
    )
