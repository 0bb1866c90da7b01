"""Database access in flaskr's shape: one engine per app, one session per request."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

EXTENSION = "wijkstem_db"
# Seconds a statement waits for another transaction's lock before it fails (and the
# voter gets the "try again" page); config DATABASE_LOCK_TIMEOUT overrides it.
LOCK_TIMEOUT = 30.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, busy_ms: int = 30000) -> None:
    """WAL lets readers run during a write; SQLite enforces foreign keys only when asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, lock_timeout: float = LOCK_TIMEOUT, **options: Any) -> Engine:
    """Engine for a database URL; SQLite gets its pragmas on every new connection.

    Args:
        url: the SQLAlchemy URL.
        lock_timeout: seconds to wait for a lock (SQLite busy timeout, PostgreSQL
            lock_timeout) before the statement fails with an OperationalError.
        options: passed to ``create_engine``.

    Returns:
        The engine, e.g. ``make_engine("sqlite:///x.db", lock_timeout=0.2)``.
    """
    busy_ms = max(1, int(lock_timeout * 1000))
    # Errors and logs never show the values of a statement (a stemcode's hash, answers).
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": lock_timeout}, **options)

        def pragmas(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record, busy_ms)

        event.listen(engine, "connect", pragmas)
        return engine
    if url.startswith("postgresql"):
        options.setdefault("connect_args", {"options": f"-c lock_timeout={busy_ms}"})
    return create_engine(url, pool_pre_ping=True, **options)


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions[EXTENSION]


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown.

    It works on one connection taken from the pool for the whole request: a session
    on the engine hands its connection back at every commit or rollback and takes
    (and pings) one again for the next statement, which cost casting a ballot a
    second pool checkout and PostgreSQL round trip.
    """
    if "db_session" not in g:
        g.db_connection = get_engine().connect()
        # control_fully: the session commits and rolls back the connection's transaction
        # even if something began one on the connection outside it.
        g.db_session = Session(bind=g.db_connection, join_transaction_mode="control_fully")
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Closes the request's session, rolling back anything uncommitted, and hands its
    connection back to the pool."""
    session, connection = g.pop("db_session", None), g.pop("db_connection", None)
    if session is not None:
        session.close()
    if connection is not None:
        connection.close()


def init_app(app: Flask) -> None:
    """Builds the engine from DATABASE_URL and registers the teardown."""
    app.extensions[EXTENSION] = make_engine(
        app.config["DATABASE_URL"],
        lock_timeout=float(app.config.get("DATABASE_LOCK_TIMEOUT", LOCK_TIMEOUT)))
    app.teardown_appcontext(close_session)
