"""Error pages: friendly, Dutch, never a traceback."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import Forbidden

from app.db import get_session


@pytest.fixture
def failing_app(app):
    """The app with routes that fail on purpose (registered before the first request)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/crash")
    def crash() -> str:
        raise RuntimeError("secret internals")

    @app.get("/_test/forbidden")
    def forbidden() -> str:
        raise Forbidden()

    return app


@pytest.mark.sqlite_only
@pytest.mark.parametrize("path,status,dutch", [
    ("/does-not-exist", 404, "Pagina niet gevonden"),
    ("/_test/forbidden", 403, "Geen toegang"),
    ("/_test/crash", 500, "Er ging iets mis"),
])
def test_errors_render_a_dutch_page(failing_app, path: str, status: int, dutch: str) -> None:
    response = failing_app.test_client().get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert dutch in page and 'lang="nl"' in page
    assert "Traceback" not in page and "secret internals" not in page


@pytest.mark.sqlite_only
def test_unexpected_errors_are_logged_for_the_operator(failing_app, caplog) -> None:
    # A bug shows the visitor a plain 500 page; the operator gets the traceback in the
    # log, with the path but not the query string (a letter link's stemcode).
    with caplog.at_level(logging.ERROR, logger=failing_app.logger.name):
        response = failing_app.test_client().get("/_test/crash?code=K7MR-9XWQ-H3TD")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == failing_app.logger.name]
    assert record.getMessage() == "unexpected error on GET /_test/crash"
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert "K7MR" not in caplog.text


def test_sql_errors_do_not_show_statement_values(app) -> None:
    with app.app_context(), pytest.raises(DBAPIError) as failed:
        get_session().execute(text("SELECT no_such_column FROM stemcode WHERE code_hash = :h"),
                              {"h": "secret-code-hash"})
    assert "secret-code-hash" not in str(failed.value)


@pytest.mark.sqlite_only
def test_wrong_method_gives_405(client) -> None:
    response = client.delete("/auth/login")
    assert response.status_code == 405
    assert "Niet toegestaan" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_oversized_request_gives_413(app, client) -> None:
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/auth/login", data=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)


def test_out_of_range_ids_are_404_not_500(app) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/round/<int:round_id>")
    def show(round_id: int) -> str:
        return str(round_id)

    client = app.test_client()
    assert client.get("/_test/round/7").status_code == 200
    assert client.get("/_test/round/99999999999999999999").status_code == 404
