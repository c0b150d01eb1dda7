"""What the browser tests need: Debian's Chromium driven by Playwright (no browser download),
axe-core from npm (``tests/e2e/web``), and a place for screenshots (``.artifacts/web``).

A missing piece skips the browser tests with the reason, except under ``CI=true`` where it
fails them: CI installs all three (``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "e2e" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / ".artifacts" / "web"
#: axe impacts that fail a page
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
#: the most script (bytes, as sent) one page may load
SCRIPT_BUDGET_BYTES = 100_000


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests may not be skipped)")
    pytest.skip(reason)


def chromium_path() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        unavailable("Chromium is not installed (apt-get install -y chromium)")
    assert path is not None
    return path


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """A headless Chromium (Debian's), driven by Playwright."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (the dev extra has it)")
    if not AXE.exists():
        unavailable(f"axe-core is not installed: run `npm ci` in {AXE.parents[2]}")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            launched.close()


def accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the driver, so the pages' Content-Security-Policy (no inline
        # scripts) stays on while the checker runs.
        page.evaluate(AXE.read_text() + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot kept as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions (imported late: the module loads without it)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)
