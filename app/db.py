"""Database access in flaskr's shape: one engine per app, one session per request."""

from __future__ import annotations

import math
import sqlite3
import time
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InvalidatePoolError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Session, create_engine

EXTENSION = "wijkstem_db"
# Seconds a statement waits for another transaction's lock before it fails (and the
# voter gets the "try again" page); config DATABASE_LOCK_TIMEOUT overrides it.
LOCK_TIMEOUT = 30.0
# A pooled PostgreSQL connection that lay idle this long is pinged before use, and
# replaced when the server does not answer (restarted, or an idle timeout dropped it).
# Connections in steady use are not: pool_pre_ping's ping on every checkout was two
# of a voter's ten round trips. A server restart under load costs the requests on
# the connections then in use one "try again" page; the pool then reconnects.
# Config DATABASE_PING_AFTER_IDLE overrides it (0: ping at every checkout).
PING_AFTER_IDLE = 5.0
# Seconds to reach a PostgreSQL server before the request gives up (the voter gets
# the "try again" page). libpq's default is to wait for an answer forever, so a server
# that hangs or sits behind a firewall dropping packets would hold every worker
# thread: the whole site would stop answering. Config DATABASE_CONNECT_TIMEOUT.
CONNECT_TIMEOUT = 5
# A connection in use is dropped when its server falls silent on the network: data
# sent and not acknowledged for 10 s (TCP_USER_TIMEOUT), or no answer to the kernel's
# keep-alive probes after 5 + 3 x 2 s of silence, instead of the kernel's ~15 minutes
# (two hours for an idle one). A server machine that still answers on the network
# while its database hangs is not caught by these (STATEMENT_TIMEOUT is). libpq
# (psycopg) parameters; a value given in the database URL's query string wins.
SERVER_SILENCE = {"tcp_user_timeout": 10_000, "keepalives": 1, "keepalives_idle": 5,
                  "keepalives_interval": 2, "keepalives_count": 3}
# Seconds a single PostgreSQL statement may run before the server cancels it: bounds a
# server that answers on the network while its database hangs (stalled disk, runaway
# query), which the settings above cannot see. Longer than the lock timeout, so a lock
# wait still fails as one, and far longer than a request's statements should take.
# Migrations run without it (they may rewrite a large table before serving).
# Config DATABASE_STATEMENT_TIMEOUT (0: no limit).
STATEMENT_TIMEOUT = 60.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, busy_ms: int = 30000) -> None:
    """WAL lets readers run during a write; SQLite enforces foreign keys only when asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, lock_timeout: float = LOCK_TIMEOUT,
                ping_after_idle: float = PING_AFTER_IDLE,
                connect_timeout: float = CONNECT_TIMEOUT,
                statement_timeout: float = STATEMENT_TIMEOUT, **options: Any) -> Engine:
    """Engine for a database URL; SQLite gets its pragmas on every new connection.

    Args:
        url: the SQLAlchemy URL.
        lock_timeout: seconds to wait for a lock (SQLite busy timeout, PostgreSQL
            lock_timeout) before the statement fails with an OperationalError.
        ping_after_idle: seconds a pooled connection to a server database may lie
            idle before it is pinged on checkout.
        connect_timeout: seconds to connect to a PostgreSQL server (whole seconds;
            psycopg waits at least 2).
        statement_timeout: seconds a PostgreSQL statement may run before the server
            cancels it (an OperationalError); 0 for no limit.
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
        settings = f"-c lock_timeout={busy_ms}"
        if statement_timeout > 0:
            settings += f" -c statement_timeout={max(1, int(statement_timeout * 1000))}"
        defaults = {"options": settings,
                    "connect_timeout": max(1, math.ceil(connect_timeout)), **SERVER_SILENCE}
        in_url = make_url(url).query
        options["connect_args"] = {**{k: v for k, v in defaults.items() if k not in in_url},
                                   **options.get("connect_args", {})}
    engine = create_engine(url, **options)
    _ping_when_idle(engine, ping_after_idle)
    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Pings a pooled connection on checkout when it was idle ``idle_seconds`` or
    more. When it does not answer, every connection in the pool is replaced: the server
    restarted, or dropped them all (a connection returned a moment ago would otherwise
    still be handed out unpinged and fail)."""

    @event.listens_for(engine, "checkin")
    def idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool connects anew
            raise InvalidatePoolError("idle connection did not answer a ping") from error


def is_unavailable(error: BaseException) -> bool:
    """True when a database error means "not now": the server is unreachable or timed
    out, a lock was not granted in time, or the pool had no connection to spare. False
    for faults of the code or the schema (SQLite reports a missing table as an
    OperationalError too; PostgreSQL as a ProgrammingError)."""
    if isinstance(error, PoolTimeoutError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if error.connection_invalidated or not isinstance(error.orig, sqlite3.Error):
        return True  # psycopg's OperationalError: the server or the network
    text = str(error.orig).lower()
    return any(sign in text for sign in ("locked", "busy", "unable to open", "disk i/o"))


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
        if g.get("db_autocommit") and g.db_connection.dialect.name == "postgresql":
            g.db_connection.execution_options(isolation_level="AUTOCOMMIT")
        # control_fully: the session commits and rolls back the connection's transaction
        # even if something began one on the connection outside it.
        g.db_session = Session(bind=g.db_connection, join_transaction_mode="control_fully")
    return g.db_session


def statements_commit_alone() -> None:
    """On PostgreSQL, lets each statement of this request commit on its own (autocommit).

    For requests whose writes are single statements (the voting flow): no BEGIN before
    and no COMMIT or ROLLBACK after each read, two round trips a page. Call before the
    request's first database use; SQLite keeps its transactions (a cast there is two
    statements). It ends with the request's session (``close_session``). A connection
    lost and re-opened within the request runs its remaining reads in a transaction,
    rolled back at the end.
    """
    g.db_autocommit = True


def rollback_request_session() -> None:
    """Rolls back the request's session if it has one; never opens one (an error page
    for an unreachable database must not try to connect again)."""
    if "db_session" in g:
        g.db_session.rollback()


def close_session(_exc: BaseException | None = None) -> None:
    """Closes the request's session, rolling back anything uncommitted, and hands its
    connection back to the pool."""
    session, connection = g.pop("db_session", None), g.pop("db_connection", None)
    g.pop("db_autocommit", None)  # an app context can outlive one request (tests, scripts)
    if session is not None:
        session.close()
    if connection is not None:
        connection.close()


def init_app(app: Flask) -> None:
    """Builds the engine from DATABASE_URL and registers the teardown."""
    app.extensions[EXTENSION] = make_engine(
        app.config["DATABASE_URL"],
        lock_timeout=float(app.config.get("DATABASE_LOCK_TIMEOUT", LOCK_TIMEOUT)),
        ping_after_idle=float(app.config.get("DATABASE_PING_AFTER_IDLE", PING_AFTER_IDLE)),
        connect_timeout=float(app.config.get("DATABASE_CONNECT_TIMEOUT", CONNECT_TIMEOUT)),
        statement_timeout=float(app.config.get("DATABASE_STATEMENT_TIMEOUT",
                                               STATEMENT_TIMEOUT)))
    app.teardown_appcontext(close_session)
