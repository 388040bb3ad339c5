"""Serves the test app (local_caller_app.py) on a free loopback port for each module."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from local_caller_app import AppServer, Seen, create_app
from werkzeug.serving import make_server


@pytest.fixture(scope="module")
def running_app() -> Iterator[AppServer]:
    seen: list[Seen] = []
    app = create_app(seen)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AppServer(f"http://127.0.0.1:{server.server_port}", app, seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def app_server(running_app: AppServer) -> Iterator[AppServer]:
    """The shared server with a clean request log and default config for each test."""
    running_app.seen.clear()
    running_app.app.config["PUBLIC_BASE_URL"] = None
    yield running_app
    running_app.app.config["PUBLIC_BASE_URL"] = None
