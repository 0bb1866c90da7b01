"""Browser-test fixtures: a live Wijkstem server in a thread and headless Chromium (Playwright).

The server runs the real app (CSRF on) on a temporary SQLite database that is
migrated and seeded with the app tests' world (``live_server``) or with the
demo world of ``./scripts/run`` (``demo_server``). Without Chromium the browser
tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session
from werkzeug.serving import make_server

from app import create_app, migrate
from app.db import EXTENSION
from app.services import demo
from tests.app.conftest import TEST_CONFIG, compiled_translations, seed_world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class LiveServer:
    """The app served over HTTP on 127.0.0.1 with the seeded world's ids."""

    def __init__(self, url: str, world: dict[str, int]) -> None:
        self.url = url
        self.world = world


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A werkzeug server in a thread on a fresh, migrated and seeded SQLite database."""
    database = f"sqlite:///{Path(tmp_path_factory.mktemp('live')) / 'live.db'}"
    migrate.upgrade(database)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database})
    world = seed_world(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app.config["BASE_URL"], world)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    app.extensions[EXTENSION].dispose()


class DemoServer:
    """The app served over HTTP on 127.0.0.1 on the seeded demo world (``app`` for set-up)."""

    def __init__(self, url: str, app: Flask) -> None:
        self.url = url
        self.app = app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serves ``app`` from a werkzeug server in a thread on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app.config["BASE_URL"]
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions[EXTENSION].dispose()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """A live server on a fresh, migrated SQLite database seeded with ``app.services.demo``."""
    database = f"sqlite:///{Path(tmp_path_factory.mktemp('demo')) / 'demo.db'}"
    migrate.upgrade(database)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database})
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        demo.seed(session)
    with serving(app) as url:
        yield DemoServer(url, app)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium; skips without it, except under CI=true where it must be there."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing; under CI the browser tests must run")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
