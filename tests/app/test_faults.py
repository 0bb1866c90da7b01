"""Faults on voting day: a killed server, a locked database, a restored backup.

Nothing a voter was told is stored may be missing, no code may be used without
its ballot (or a ballot stored without its code used), and a busy database
gives the Dutch "try again" page with the code still usable.
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, delete, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app import create_app
from app.backup import backup
from app.config import from_environment
from app.db import EXTENSION, make_engine
from app.models import Ballot, QuestionCount, Round, Stemcode
from app.services import counting
from app.services.stemcodes import code_hash
from tests.app.conftest import TEST_CONFIG, csrf_token, page_text, snapshot
from tests.app.count_world import add_second_official, counting_round
from tests.app.test_results import wijkstem_tally
from tests.app.vote_world import issue_codes, open_round

ROOT = Path(__file__).resolve().parents[2]


def load_bench() -> Any:
    """scripts/bench_web.py as a module (its server, round and voter helpers)."""
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "scripts" / "bench_web.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_web", module)
    spec.loader.exec_module(module)
    return module


def round_counts(url: str, round_id: int, codes: list[str] | None = None,
                 key: str | None = None) -> dict[str, int]:
    """Ballots and used codes of a round, straight from the database."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            ballots = session.exec(select(func.count()).select_from(Ballot)
                                   .where(Ballot.round_id == round_id)).one()
            used = set(session.exec(select(Stemcode.code_hash).where(
                Stemcode.round_id == round_id, Stemcode.used)))
    finally:
        engine.dispose()
    return {"ballots": ballots, "used": len(used), "used_hashes": used}


# --- (a) SIGKILL in the middle of a burst -------------------------------------------------


@pytest.fixture
def bench() -> Any:
    """The benchmark module."""
    return load_bench()


@pytest.mark.slow
def test_killed_server_loses_no_confirmed_ballot(bench, empty_database_url, tmp_path) -> None:
    server = bench.Server(tmp_path, empty_database_url, {"WIJKSTEM_WORKERS": "2"})
    server.start()
    try:
        app = bench.app_for(server)
        world = bench.create_round(app, 600)
        tally = bench.Tally()

        def kill_when_busy() -> bool:
            # SIGKILL master and workers once enough voters are confirmed and others are
            # in the middle of their flow (some of them inside the cast request).
            if len(tally.confirmed) >= 40 and server.process.poll() is None:
                server.kill()
            return server.process.poll() is not None

        asyncio.run(bench.drive(server.base, world, 40, 60, tally, until=kill_when_busy))
    finally:
        server.stop()
    assert server.process.returncode == -9
    interrupted = [c for c in tally.attempted if c not in set(tally.confirmed)]
    seen = f"confirmed {len(tally.confirmed)}, errors {dict(tally.errors)}"
    assert interrupted, f"the kill should interrupt voters in their flow ({seen})"

    # Restart on the same database: it recovers and serves again.
    server = bench.Server(tmp_path, empty_database_url, {"WIJKSTEM_WORKERS": "1"})
    server.start()
    try:
        with app.app_context():
            hashes = {code: code_hash(code) for code in tally.attempted}
        after = round_counts(empty_database_url, world.round_id)
        # Every confirmed voter's ballot is stored: their code is used, and there are at
        # least as many ballots as confirmations; codes used == ballots, so no code is
        # used without its ballot and no ballot stored without its code.
        assert all(hashes[c] in after["used_hashes"] for c in tally.confirmed), seen
        assert after["ballots"] == after["used"] >= len(tally.confirmed), (after, seen)
        # An interrupted voter either was stored (code used) or votes again now.
        retry = bench.Tally()
        stored = [c for c in interrupted if hashes[c] in after["used_hashes"]]
        again = [c for c in interrupted if hashes[c] not in after["used_hashes"]]

        async def vote_again() -> None:
            import aiohttp

            async with aiohttp.TCPConnector(keepalive_timeout=1) as connector:
                voter = bench.Voter(server.base, world, retry, connector, seed=1)
                for code in again + stored:
                    await voter.vote(code)
                await voter.close()

        asyncio.run(vote_again())
    finally:
        server.stop()
        app.extensions[EXTENSION].dispose()
    assert sorted(retry.confirmed) == sorted(again), (dict(retry.errors), seen)
    # A used code is refused when the letter's link is followed again: 409 Conflict.
    assert dict(retry.errors) == ({"GET /stemmen: 409": len(stored)} if stored else {}), seen
    final = round_counts(empty_database_url, world.round_id)
    assert final["ballots"] == final["used"] == after["used"] + len(again)


# --- (b) database locked for a moment ------------------------------------------------------


@pytest.fixture
def short_app(database: tuple[str, dict[str, int]]) -> Iterator[Flask]:
    """The app with a short lock timeout, so a held lock fails fast instead of waiting."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0], "DATABASE_LOCK_TIMEOUT": 0.3})
    yield app
    app.extensions[EXTENSION].dispose()


class HeldLock:
    """Another connection holding the database (SQLite) or the stemcode table (PostgreSQL)."""

    def __init__(self, url: str, table: str = "stemcode") -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            self.connection: Any = sqlite3.connect(parsed.database, isolation_level=None,
                                                   check_same_thread=False)
            self.connection.execute("BEGIN EXCLUSIVE")
            self.release = self.connection.close  # closing rolls back and unlocks
        else:
            self.engine = create_engine(url)
            self.connection = self.engine.connect()
            self.transaction = self.connection.begin()
            self.connection.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            self.release = self._release_postgres

    def _release_postgres(self) -> None:
        self.transaction.rollback()
        self.connection.close()
        self.engine.dispose()


def review(client, vote: dict[str, Any], code: str) -> dict[str, str]:
    """Enters ``code``, fills in the ballot and reaches the review; returns the cast form."""
    response = client.post("/stemmen", data={"code": code,
                                             "csrf_token": csrf_token(client, "/stemmen")})
    assert response.status_code == 302
    ids = list(vote["initiatives"].values())
    q = f"q{vote['questions']['ranked']}"
    answers = {f"{q}_1": str(ids[0]), f"{q}_2": str(ids[1])}
    token = csrf_token(client, "/stemmen/stembiljet")
    page = client.post("/stemmen/stembiljet", data={**answers, "csrf_token": token})
    assert page.status_code == 200 and "uitbrengen" in page_text(page)
    return {**answers, "csrf_token": token}


@pytest.mark.parametrize("step", ["code", "ballot", "cast"])
def test_locked_database_says_try_again_and_keeps_the_code(short_app, database, world, step):
    vote = open_round(short_app, world)
    (code,) = issue_codes(short_app, vote["round_id"])
    client = short_app.test_client()
    form: dict[str, str] = {}
    if step != "code":
        form = review(client, vote, code)
    before = snapshot(short_app)
    lock = HeldLock(database[0])
    try:
        if step == "code":
            token = csrf_token(client, "/stemmen")
            form = {"code": code, "csrf_token": token}
            response = client.post("/stemmen", data=form)
        elif step == "ballot":
            response = client.post("/stemmen/stembiljet",
                                   data={k: v for k, v in form.items() if k != "edit"})
        else:
            response = client.post("/stemmen/uitbrengen", data=form)
        if step != "cast" and make_url(database[0]).get_backend_name() == "sqlite":
            # SQLite in WAL mode: a writer's lock does not block the reading steps.
            assert response.status_code == (302 if step == "code" else 200)
        else:
            assert response.status_code == 503
            assert "probeer het over een moment opnieuw" in page_text(response)
    finally:
        lock.release()
    assert snapshot(short_app) == before  # nothing half-written
    # The code is still usable: the same voter tries again and votes.
    if step == "code":
        form = review(client, vote, code)
    response = client.post("/stemmen/uitbrengen", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/bedankt")
    counts = round_counts(database[0], vote["round_id"])
    assert counts["ballots"] == counts["used"] == 1


def test_cast_waits_for_a_short_lock_instead_of_failing(short_app, database, world):
    vote = open_round(short_app, world)
    (code,) = issue_codes(short_app, vote["round_id"])
    client = short_app.test_client()
    form = review(client, vote, code)
    lock = HeldLock(database[0])
    timer = threading.Timer(0.05, lock.release)  # well inside the 0.3 s lock timeout
    timer.start()
    try:
        response = client.post("/stemmen/uitbrengen", data=form)
    finally:
        timer.join()
    assert response.status_code == 302
    counts = round_counts(database[0], vote["round_id"])
    assert counts["ballots"] == counts["used"] == 1


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers: a database server that
    hangs, or one behind a firewall that swallows its answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@contextmanager
def closed_port() -> Iterator[int]:
    """A port nobody listens on: a database server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


@pytest.mark.parametrize("server", [silent_server, closed_port])
@pytest.mark.parametrize("path,staff", [("/stemmen?code=2345-6789-ABCD", False),
                                        ("/ronde/1", False), ("/official/", True)])
def test_a_postgres_server_that_is_down_or_silent_gives_try_again_in_seconds(
        server, path: str, staff: bool) -> None:
    with server() as port:
        app = create_app({**TEST_CONFIG, "DATABASE_CONNECT_TIMEOUT": 2,  # psycopg's least
                          "DATABASE_URL": f"postgresql+psycopg://wijkstem@127.0.0.1:{port}/x"})
        client = app.test_client()
        if staff:  # a logged-in official: loading the account needs the database too
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = "1", True
        started = time.monotonic()
        response = client.get(path)
        waited = time.monotonic() - started
        app.extensions[EXTENSION].dispose()
    assert response.status_code == 503, response.status_code
    assert "opnieuw" in page_text(response) and response.headers["Retry-After"] == "5"
    assert waited < 6  # libpq alone waits for a silent server's answer forever


def lock_accounts_once_the_request_waits(url: str, done: threading.Event) -> None:
    """Once a request waits for the round table, queues an exclusive lock on the account
    table behind it: granted when the request rolls back, so that reloading the account
    afterwards (for the error page's menu) waits too, and times out."""
    engine = create_engine(url)
    with engine.connect() as connection:
        waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                       " AND query LIKE '%FROM round%'")
        while not done.is_set() and not connection.execute(waiting).scalar():
            connection.rollback()
            time.sleep(0.005)
        connection.rollback()
        if not done.is_set():
            with connection.begin():
                connection.execute(text("LOCK TABLE account IN ACCESS EXCLUSIVE MODE"))
                done.wait(10)
    engine.dispose()


@pytest.mark.postgres_only
def test_a_lock_timeout_after_the_account_was_loaded_gives_try_again(short_app, database,
                                                                     world) -> None:
    # A staff page had no handler for database errors (a 500). Its error page is shown
    # as to a guest: the rollback expired the account, and reloading it for the menu
    # needed the database again, failing inside the handler (a 500).
    client = short_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(world["account_official-A"]), True
    assert client.get("/official/").status_code == 200
    lock, done = HeldLock(database[0], table="round"), threading.Event()
    accounts = threading.Thread(target=lock_accounts_once_the_request_waits,
                                args=(database[0], done))
    accounts.start()
    try:
        response = client.get("/official/")
    finally:
        done.set()
        accounts.join()
        lock.release()
    assert response.status_code == 503 and "opnieuw" in page_text(response)
    assert client.get("/official/").status_code == 200  # and all is well again


@pytest.mark.postgres_only
def test_a_statement_that_runs_too_long_is_cancelled_and_says_try_again(database, world,
                                                                        caplog) -> None:
    # A server that answers on the network while a statement hangs (stalled disk, a
    # runaway query; here a lock, with the lock timeout set far longer) held the
    # request until the lock timeout, or forever: nothing bounded the statement itself.
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "DATABASE_LOCK_TIMEOUT": 30, "DATABASE_STATEMENT_TIMEOUT": 0.3})
    try:
        vote = open_round(app, world)
        client = app.test_client()
        assert client.get(f"/ronde/{vote['round_id']}").status_code == 200
        lock = HeldLock(database[0], table="round")
        started = time.monotonic()
        try:
            response = client.get(f"/ronde/{vote['round_id']}")
        finally:
            lock.release()
        waited = time.monotonic() - started
        assert response.status_code == 503 and "opnieuw" in page_text(response)
        assert waited < 5  # cancelled after 0.3 s, not after the 30 s lock timeout
        # Logged with its traceback: a runaway query may be a fault of ours.
        (logged,) = [r for r in caplog.records if "QueryCanceled" in r.getMessage()]
        assert logged.exc_info is not None
        assert client.get(f"/ronde/{vote['round_id']}").status_code == 200
    finally:
        app.extensions[EXTENSION].dispose()


def test_the_database_timeouts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("WIJKSTEM_SECRET_KEY", "x")
    monkeypatch.setenv("WIJKSTEM_DATABASE_STATEMENT_TIMEOUT", "120")
    monkeypatch.setenv("WIJKSTEM_DATABASE_LOCK_TIMEOUT", "2.5")
    settings = from_environment(str(tmp_path))
    assert settings["DATABASE_STATEMENT_TIMEOUT"] == 120.0
    assert settings["DATABASE_LOCK_TIMEOUT"] == 2.5
    assert "DATABASE_CONNECT_TIMEOUT" not in settings  # app/db.py's default then


@pytest.mark.postgres_only
def test_the_statement_timeout_is_set_per_connection_and_can_be_lifted(database) -> None:
    def setting(**limits: float) -> str:
        engine = make_engine(database[0], **limits)
        with engine.connect() as connection:
            shown = connection.execute(text("SHOW statement_timeout")).scalar()
        engine.dispose()
        return shown

    assert setting() == "1min" and setting(statement_timeout=0.25) == "250ms"
    assert setting(statement_timeout=0) == "0"  # as the migrations run


@pytest.mark.sqlite_only
def test_a_missing_table_is_a_fault_not_a_busy_database(tmp_path) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    response = app.test_client().get("/ronde/1")  # never migrated: "no such table"
    app.extensions[EXTENSION].dispose()
    assert response.status_code == 500 and "Retry-After" not in response.headers


# --- (c) backup, restore, count again ------------------------------------------------------


def published_counts(app: Flask, round_id: int) -> list[tuple[int, str, str, bytes, str]]:
    """(question, rule, seed, ballot file, result JSON) of every published count of a round."""
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        found = counting.published_counts(session, session.get(Round, round_id))
        return [(c.question_id, c.rule, c.seed, c.ballots_file, c.result_json) for c in found]


@pytest.mark.sqlite_only  # scripts/backup's SQLite path; pg_dump is tested in test_backup.py
def test_restored_backup_counts_to_the_identical_published_result(
        app, database, world, tmp_path, monkeypatch) -> None:
    setup = counting_round(app, world)
    second = add_second_official(app, world)
    official = world["account_official-A"]
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        round_ = session.get(Round, setup["round_id"])
        counts = counting.run_count(session, round_, official)
        counting.confirm_count(session, round_, second, counting.fingerprint(counts))
        counting.publish(session, round_, official)
    published = published_counts(app, setup["round_id"])
    assert published, "the round should have a published count"
    public_json = app.test_client().get(f"/vraag/{setup['question_id']}/uitslag.json").data

    copy = backup(database[0], tmp_path / "backup.db")
    restored_path = tmp_path / "restored.db"  # restore = copy the backup over the database
    shutil.copyfile(copy, restored_path)
    restored = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{restored_path}"})
    try:
        assert published_counts(restored, setup["round_id"]) == published
        assert restored.test_client().get(
            f"/vraag/{setup['question_id']}/uitslag.json").data == public_json
        # Count again from the restored ballots: run_count counts a round in its counting
        # phase that has no count yet, so the restored copy is put back there, and the
        # published seed replaces the fresh random one.
        with restored.app_context(), Session(restored.extensions[EXTENSION]) as session:
            session.exec(delete(QuestionCount).where(
                QuestionCount.round_id == setup["round_id"]))
            round_ = session.get(Round, setup["round_id"])
            round_.phase = counting.COUNT_PHASE
            session.add(round_)
            session.commit()
            monkeypatch.setattr(counting, "seed", lambda: published[0][2])
            recount = counting.run_count(session, round_, official)
            again = [(c.question_id, c.rule, c.seed, c.ballots_file, c.result_json)
                     for c in recount]
    finally:
        restored.extensions[EXTENSION].dispose()
    assert again == published
    # The stored ballot file of the restored copy, tallied by the real command line.
    for question_id, rule, seed_text, data, _result in published:
        path = tmp_path / f"question-{question_id}.pb"
        path.write_bytes(data)
        assert wijkstem_tally(path, rule, seed_text) == public_json
