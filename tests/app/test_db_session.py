"""The request's session on its own pooled connection (app/db.py)."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import text
from sqlmodel import Session

from app.db import EXTENSION, close_session, get_session
from app.models import Wijk


def test_one_connection_for_the_whole_request(app: Flask, world) -> None:
    with app.test_request_context():
        session = get_session()
        first = session.connection()
        session.rollback()
        session.get(Wijk, world["wijk_A2"])
        assert session.connection() is first is g.db_connection
        close_session()
        assert first.closed


def test_a_commit_commits_after_a_statement_on_the_connection_itself(app: Flask, world) -> None:
    # With the session's default join mode it would only have joined the transaction
    # that statement began, and its commit would have done nothing.
    with app.test_request_context():
        session = get_session()
        g.db_connection.execute(text("SELECT 1"))
        session.get(Wijk, world["wijk_A2"]).name = "Nieuwe naam"
        session.commit()
        close_session()
    with Session(app.extensions[EXTENSION]) as fresh:
        assert fresh.get(Wijk, world["wijk_A2"]).name == "Nieuwe naam"
