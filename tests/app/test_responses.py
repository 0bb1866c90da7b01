"""Responses leave as one piece when their body is in memory (app/responses.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from app import create_app
from app.db import EXTENSION
from tests.app.conftest import TEST_CONFIG

pytestmark = pytest.mark.sqlite_only


def call(app: Flask, path: str, method: str = "GET") -> tuple[str, object]:
    """The app called as a WSGI server calls it: its status and the body object."""
    seen: dict[str, str] = {}

    def start_response(status: str, _headers: list, _exc_info: object = None) -> None:
        seen["status"] = status

    body = app(EnvironBuilder(path=path, method=method).get_environ(), start_response)
    return seen["status"], body


@pytest.fixture
def app(database) -> Flask:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0]})
    closed: list[str] = []

    @app.get("/_test/stream")
    def stream() -> object:
        def chunks() -> Iterator[str]:
            yield "een "
            yield "twee"
        return app.response_class(chunks(), mimetype="text/plain")

    @app.get("/_test/closing")
    def closing() -> object:
        response = app.response_class("klaar")
        response.call_on_close(lambda: closed.append("closed"))
        return response

    app.closed = closed
    yield app
    app.extensions[EXTENSION].dispose()


def test_a_page_is_one_piece(app: Flask) -> None:
    status, body = call(app, "/")
    assert status.startswith("200") and type(body) is list and len(body) == 1
    assert b"Wijkstem" in body[0]


def test_a_head_request_and_an_error_page_too(app: Flask) -> None:
    status, body = call(app, "/", method="HEAD")
    assert status.startswith("200") and body == [b""]
    status, body = call(app, "/bestaat-niet")
    assert status.startswith("404") and type(body) is list and b"<html" in body[0]


def test_a_generator_still_streams(app: Flask) -> None:
    status, body = call(app, "/_test/stream")
    assert status.startswith("200") and type(body) is not list
    assert b"".join(body) == b"een twee"
    body.close()


def test_close_callbacks_run_once_the_body_is_joined(app: Flask) -> None:
    status, body = call(app, "/_test/closing")
    assert status.startswith("200") and body == [b"klaar"] and app.closed == ["closed"]


def test_static_files_still_stream(app: Flask) -> None:
    status, body = call(app, "/static/wijkstem.css")
    assert status.startswith("200") and type(body) is not list
    assert b"{" in b"".join(body)
    body.close()
