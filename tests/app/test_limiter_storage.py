"""The limiter's storages: memory under request threads at once, the database across workers."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from limits.storage import Storage, storage_from_string
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app import create_app
from app.db import EXTENSION
from app.limiter_storage import CounterMemoryStorage, DatabaseStorage
from app.models import RateLimitCounter
from tests.app.conftest import TEST_CONFIG
from tests.app.vote_world import issue_codes, open_round


def hit_together(storage: Storage, threads: int = 8, hits: int = 500) -> list[BaseException]:
    """``threads`` threads increment one counter ``hits`` times each, released together;
    the exceptions they raised."""
    start, errors = threading.Barrier(threads), []

    def hit() -> None:
        start.wait()
        try:
            for _ in range(hits):
                storage.incr("203.0.113.7", 60)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return errors


def test_memory_uri_gives_the_counter_storage() -> None:
    assert isinstance(storage_from_string("memory://"), CounterMemoryStorage)


def test_memory_counts_every_hit_of_threads_at_once() -> None:
    storage = CounterMemoryStorage()
    assert hit_together(storage) == []
    assert storage.get("203.0.113.7") == 8 * 500


def test_memory_starts_no_threads() -> None:
    # limits' MemoryStorage started a timer thread to expire counters (and could start
    # the same one twice under concurrent hits: alisaifee/limits#26).
    before = threading.active_count()
    storage = CounterMemoryStorage()
    for n in range(300):
        storage.incr(f"client-{n}", 0.001)
        assert threading.active_count() == before


def test_memory_window_ends_and_starts_again(monkeypatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("app.limiter_storage.time.time", lambda: now[0])
    monkeypatch.setattr("app.limiter_storage.CLEANUP_EVERY", 2)
    storage = CounterMemoryStorage()
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("a") == 3 and storage.get_expiry("a") == 1060.0
    now[0] = 1060.0
    assert storage.get("a") == 0 and storage.get_expiry("a") == 1060.0
    assert storage.incr("b", 60) == 1  # the fourth increment sweeps the ended window
    assert "a" not in storage._windows
    assert storage.incr("a", 60) == 1 and storage.get_expiry("a") == 1120.0
    assert storage.reset() == 2 and storage.get("b") == 0


WRONG = "ABCD-EFGH-JKMN"  # well formed, never issued


def worker_app(database_url: str) -> Flask:
    """One worker process's app with its counters in the database."""
    return create_app({**TEST_CONFIG, "DATABASE_URL": database_url,
                       "RATELIMIT_STORAGE_URI": "database://",
                       "CODE_RATE_LIMIT": "1000 per minute",
                       "CODE_FAILURE_LIMIT": "3 per minute;5 per hour"})


def test_database_counters_are_shared_by_every_worker(database, world) -> None:
    first, second = worker_app(database[0]), worker_app(database[0])
    try:
        open_round(first, world)
        clients = [first.test_client(), second.test_client()]
        statuses = [clients[n % 2].get("/stemmen", query_string={"code": WRONG},
                                       environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code
                    for n in range(4)]
        # three wrong codes over two workers, then refused by either: one shared count
        assert statuses == [400, 400, 400, 429]
        with Session(first.extensions[EXTENSION]) as session:
            rows = session.exec(select(RateLimitCounter)).all()
        assert rows and all(len(r.key) == 64 and "203.0.113" not in r.key for r in rows)
    finally:
        for app in (first, second):
            app.extensions[EXTENSION].dispose()


def test_database_window_ends_and_starts_again(app: Flask, monkeypatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr("app.limiter_storage.time.time", lambda: now[0])
    storage = DatabaseStorage("database://", engine=app.extensions[EXTENSION], key_secret="k")
    assert [storage.incr("login/198.51.100.1", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("login/198.51.100.1") == 3
    assert storage.get_expiry("login/198.51.100.1") == 1_000_060.0
    now[0] += 61  # the minute is over
    assert storage.get("login/198.51.100.1") == 0
    assert storage.incr("login/198.51.100.1", 60) == 1
    assert storage.get_expiry("login/198.51.100.1") == 1_000_121.0
    storage.clear("login/198.51.100.1")
    assert storage.get("login/198.51.100.1") == 0 and storage.check()


def test_ended_windows_are_deleted(app: Flask, monkeypatch) -> None:
    now = [2_000_000.0]
    monkeypatch.setattr("app.limiter_storage.time.time", lambda: now[0])
    monkeypatch.setattr("app.limiter_storage.CLEANUP_EVERY", 2)
    storage = DatabaseStorage("database://", engine=app.extensions[EXTENSION], key_secret="k")
    storage.incr("a", 60)
    now[0] += 61
    storage.incr("b", 60)  # the second increment cleans up: a's window has ended
    with Session(app.extensions[EXTENSION]) as session:
        assert len(session.exec(select(RateLimitCounter)).all()) == 1
    assert storage.get("b") == 1


@pytest.mark.sqlite_only
def test_a_database_that_cannot_count_turns_no_voter_away(database, world, monkeypatch,
                                                          caplog) -> None:
    app = worker_app(database[0])
    try:
        setup = open_round(app, world)

        def locked(*_args, **_kwargs):
            raise OperationalError("UPDATE rate_limit_counter", {}, Exception("locked"))

        monkeypatch.setattr(DatabaseStorage, "incr", locked)
        monkeypatch.setattr(DatabaseStorage, "get", locked)
        client = app.test_client()
        wrong = client.get("/stemmen", query_string={"code": WRONG})
        assert wrong.status_code == 400  # the answer, not a 500
        code = issue_codes(app, setup["round_id"])[0]
        assert app.test_client().get("/stemmen", query_string={"code": code}).status_code == 200
        assert "counted in this process" in caplog.text
    finally:
        app.extensions[EXTENSION].dispose()


@pytest.mark.sqlite_only
def test_a_database_that_cannot_count_still_stops_a_guesser(database, monkeypatch) -> None:
    app = worker_app(database[0])
    app.config["CODE_FAILURE_LIMIT"] = "3 per minute"
    try:
        def down(*_args, **_kwargs):
            raise OperationalError("SELECT hits", {}, Exception("could not connect"))

        monkeypatch.setattr(DatabaseStorage, "incr", down)
        monkeypatch.setattr(DatabaseStorage, "get", down)
        client = app.test_client()
        statuses = [client.get("/stemmen", query_string={"code": WRONG}).status_code
                    for _ in range(4)]
        assert statuses == [400, 400, 400, 429]
    finally:
        app.extensions[EXTENSION].dispose()
