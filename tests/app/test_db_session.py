"""The request's session on its own pooled connection, and the pool (app/db.py)."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask, g
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from app import create_app
from app.db import EXTENSION, close_session, get_session, statements_commit_alone
from app.models import Wijk
from tests.app.conftest import TEST_CONFIG, page_text
from tests.app.vote_world import ballots_and_codes, issue_codes, open_round


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


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.mark.postgres_only
def test_voting_on_postgres_leaves_no_transaction_open_and_casts_in_one_statement(
        app: Flask, world) -> None:
    vote = open_round(app, world)
    (code,) = issue_codes(app, vote["round_id"])
    seen: list[tuple[str, TransactionStatus]] = []

    def after(connection, _cursor, statement, *_args) -> None:
        status = connection.connection.dbapi_connection.info.transaction_status
        seen.append((statement.split(None, 1)[0], status))

    event.listen(app.extensions[EXTENSION], "after_cursor_execute", after)
    client = app.test_client()
    page = client.get("/stemmen", query_string={"code": code})
    assert page.status_code == 200
    q = f"q{vote['questions']['ranked']}"
    response = client.post("/stemmen/uitbrengen", data={
        "csrf_token": CSRF.search(page.get_data(as_text=True)).group(1),
        f"{q}_1": str(vote["initiatives"]["Bankjes"])})
    assert response.status_code == 302
    # No BEGIN before a read, no COMMIT or ROLLBACK after it: each statement commits alone.
    assert seen and {status for _verb, status in seen} == {TransactionStatus.IDLE}
    assert [verb for verb, _status in seen if verb != "SELECT"] == ["WITH"]
    stored, codes = ballots_and_codes(app, vote["round_id"])
    assert len(stored) == 1 and [c.used for c in codes] == [True]


def drop_every_connection_of(url: str) -> None:
    """Ends every other session on the database, as a server restart would."""
    killer = create_engine(url, poolclass=NullPool)
    with killer.connect() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    killer.dispose()


@pytest.mark.postgres_only
@pytest.mark.parametrize(("ping_after_idle", "first_status"), [(0, 200), (3600, 503)])
def test_a_pooled_connection_the_server_dropped(database, world, ping_after_idle: float,
                                                first_status: int) -> None:
    # Idle long enough (here: at once) it is pinged and replaced unnoticed; in steady use
    # (here: never pinged) one request gets "try again", and the pool then reconnects.
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "DATABASE_PING_AFTER_IDLE": ping_after_idle})
    try:
        vote = open_round(app, world)
        (code,) = issue_codes(app, vote["round_id"])
        drop_every_connection_of(database[0])
        client = app.test_client()
        first = client.get("/stemmen", query_string={"code": code})
        assert first.status_code == first_status
        if first_status == 503:
            assert "probeer het over een moment opnieuw" in page_text(first)
        assert client.get("/stemmen", query_string={"code": code}).status_code == 200
    finally:
        app.extensions[EXTENSION].dispose()


@pytest.mark.postgres_only
def test_a_failed_ping_replaces_the_connections_returned_a_moment_ago_too(database,
                                                                          world) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "DATABASE_PING_AFTER_IDLE": 0.5})
    engine = app.extensions[EXTENSION]
    try:
        vote = open_round(app, world)
        (code,) = issue_codes(app, vote["round_id"])
        engine.dispose()
        idle, recent = engine.connect(), engine.connect()
        idle.close()  # returned first: handed out first, and pinged (idle long enough)
        time.sleep(0.6)
        recent.close()  # returned just now: not pinged
        drop_every_connection_of(database[0])
        client = app.test_client()
        assert client.get("/stemmen", query_string={"code": code}).status_code == 200
        assert client.get("/stemmen", query_string={"code": code}).status_code == 200
    finally:
        engine.dispose()


def test_autocommit_ends_with_the_request_session(app: Flask, world) -> None:
    with app.app_context():
        statements_commit_alone()
        get_session().get(Wijk, world["wijk_A2"])
        close_session()
        assert "db_autocommit" not in g
        session = get_session()
        session.get(Wijk, world["wijk_A2"])
        assert g.db_connection.get_isolation_level() != "AUTOCOMMIT"
        close_session()
