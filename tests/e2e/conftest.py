"""A real ``questlog serve`` process on a free port, driven over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import RunningServer, start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("questlog-e2e"))
    try:
        yield running
    finally:
        stop_server(running)
