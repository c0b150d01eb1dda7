"""What ``questlog serve`` hands the HTTP server: the chosen service's app, whose startup heap
is set aside from the cyclic garbage collector (see :func:`apps.cli.serve.served_app`)."""

from __future__ import annotations

import gc

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from apps.cli.serve import SERVED_FACTORY, served_app


@get("/hello", sync_to_thread=False)
def hello() -> str:
    return "hello"


def create_hello_app() -> Litestar:
    return Litestar(route_handlers=[hello])


def test_the_server_runs_the_named_factory_and_sets_its_startup_heap_aside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SERVED_FACTORY, f"{__name__}:create_hello_app")
    app = served_app()
    assert gc.get_freeze_count() == 0  # nothing happens before the server starts the app
    try:
        with TestClient(app) as client:
            # Everything alive at startup (this interpreter's modules included) is set aside.
            assert gc.get_freeze_count() > 10_000
            assert client.get("/hello").text == "hello"
    finally:
        gc.unfreeze()
