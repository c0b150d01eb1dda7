"""A real ``questlog serve`` process on a free port, driven over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.browser import headless_chromium
from tests.support.server import RunningServer, start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("questlog-e2e"))
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for the web client's tests (see :mod:`tests.e2e.browser`)."""
    with headless_chromium() as launched:
        yield launched
