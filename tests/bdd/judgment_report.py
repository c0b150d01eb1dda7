"""How many prioritization judgments each policy satisfies, printed at the end of a run.

``test_prioritization_judgments.py`` stores, per scenario, ``(VERDICT, {policy: bool})`` in
its test report's ``user_properties``; pytest-xdist sends those from its workers to the
controller, so :func:`summarise` (called from ``pytest_terminal_summary`` in
``tests/conftest.py``) sees them however the run was split.
"""

from __future__ import annotations

from typing import Any

VERDICT = "prioritization-judgment"


def summarise(terminalreporter: Any) -> None:
    """Print a line per policy: judgments satisfied out of those evaluated."""
    totals: dict[str, int] = {}
    seen = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, verdicts in getattr(report, "user_properties", ()):
                if key != VERDICT:
                    continue
                seen += 1
                for policy, ok in verdicts.items():
                    totals[policy] = totals.get(policy, 0) + int(bool(ok))
    if not seen:
        return
    terminalreporter.section("prioritization judgments satisfied per policy")
    for policy, count in totals.items():
        terminalreporter.write_line(f"{policy:<18} {count:>3} / {seen}")
