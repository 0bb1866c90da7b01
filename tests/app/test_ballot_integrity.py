"""Integrity rules of DESIGN.md against a real database (SQLite and PostgreSQL).

One stemcode, one ballot under concurrency; a ballot stored whole or not at all
together with its code; nothing in the schema that links a ballot to a code.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Date, DateTime, Time, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db import EXTENSION, get_session, statements_commit_alone
from app.services import ballots, stemcodes
from app.services.errors import ServiceError
from tests.app.conftest import snapshot
from tests.app.vote_world import ballots_and_codes, issue_codes, open_round, set_round

THREADS = 16


def digest_of(app: Flask, code: str) -> str:
    """The keyed hash of a code."""
    with app.app_context():
        return stemcodes.code_hash(code)


@contextmanager
def voting_session(app: Flask, kind: str) -> Iterator[Session]:
    """A session as the voting pages get it (``request``: autocommit on PostgreSQL), or a
    plain transactional one (``plain``)."""
    if kind == "plain":
        with Session(app.extensions[EXTENSION]) as session:
            yield session
        return
    with app.test_request_context():
        statements_commit_alone()
        yield get_session()


def cast_at_once(app: Flask, round_id: int, digests: list[str], answers: dict[int, Any],
                 kind: str = "request") -> list[str]:
    """Casts one ballot per digest from parallel threads released together; returns outcomes."""
    barrier = threading.Barrier(len(digests))
    outcomes: list[str] = [""] * len(digests)

    def vote(slot: int) -> None:
        barrier.wait()  # before the session: a request session takes its connection at once
        with voting_session(app, kind) as session:
            try:
                ballots.cast_ballot(session, round_id, digests[slot], answers)
                outcomes[slot] = "cast"
            except ServiceError as error:
                outcomes[slot] = error.code
            except Exception as error:  # noqa: BLE001 - reported as the test's failure
                outcomes[slot] = repr(error)

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(len(digests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("kind", ["request", "plain"])
def test_one_code_one_ballot_under_concurrency(app: Flask, world: dict[str, int],
                                               kind: str) -> None:
    setup = open_round(app, world)
    answers = {setup["questions"]["ranked"]: [setup["initiatives"]["Bankjes"]]}
    digest = digest_of(app, issue_codes(app, setup["round_id"])[0])
    outcomes = cast_at_once(app, setup["round_id"], [digest] * THREADS, answers, kind)
    assert sorted(outcomes) == ["cast"] + ["code_used"] * (THREADS - 1)
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert len(stored) == 1 and [c.used for c in codes] == [True]


@pytest.mark.parametrize("change", [{"phase": "counting"}, {"voting_end": -1},
                                    {"voting_start": 1}])
def test_no_ballot_is_cast_once_the_round_stops_taking_votes(app: Flask, world: dict[str, int],
                                                             change: dict[str, Any]) -> None:
    # The voting pages may have read the round seconds ago (cached per worker): the cast
    # itself must check the phase and dates in the statement that uses the code.
    setup = open_round(app, world)
    answers = {setup["questions"]["ranked"]: [setup["initiatives"]["Bankjes"]]}
    digest = digest_of(app, issue_codes(app, setup["round_id"])[0])
    today = stemcodes.local_today()
    set_round(app, setup["round_id"], **{name: today + timedelta(days=value)
                                         if name.startswith("voting") else value
                                         for name, value in change.items()})
    assert cast_at_once(app, setup["round_id"], [digest], answers) == ["code_not_open"]
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert stored == [] and [c.used for c in codes] == [False]


@pytest.mark.parametrize("kind", ["request", "plain"])
def test_no_accepted_ballot_is_lost_under_concurrency(app: Flask, world: dict[str, int],
                                                      kind: str) -> None:
    setup = open_round(app, world)
    answers = {setup["questions"]["ranked"]: [setup["initiatives"]["Lantaarns"]]}
    digests = [digest_of(app, c) for c in issue_codes(app, setup["round_id"], THREADS)]
    outcomes = cast_at_once(app, setup["round_id"], digests, answers, kind)
    assert outcomes == ["cast"] * THREADS
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert len(stored) == THREADS and all(c.used for c in codes)


@pytest.mark.parametrize("kind", ["request", "plain"])
def test_ballot_is_stored_whole_or_not_at_all_when_the_database_refuses_it(
        app: Flask, world: dict[str, int], monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    setup = open_round(app, world)
    answers = {setup["questions"]["ranked"]: [setup["initiatives"]["Bankjes"]]}
    first, second = (digest_of(app, c) for c in issue_codes(app, setup["round_id"], 2))
    with Session(app.extensions[EXTENSION]) as session:
        ballots.cast_ballot(session, setup["round_id"], first, answers)
    (taken,), _codes = ballots_and_codes(app, setup["round_id"])
    before = snapshot(app)
    # The ballot row is refused (its id is taken) after the code's row was changed: on
    # SQLite by the second statement, on PostgreSQL by the second half of the one.
    monkeypatch.setattr(ballots, "new_ballot_id", lambda: taken.id)
    with voting_session(app, kind) as session, pytest.raises(IntegrityError):
        ballots.cast_ballot(session, setup["round_id"], second, answers)
    assert snapshot(app) == before  # the code is not used: nothing was written
    monkeypatch.undo()
    with Session(app.extensions[EXTENSION]) as session:
        ballots.cast_ballot(session, setup["round_id"], second, answers)
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert len(stored) == 2 and [c.used for c in codes] == [True, True]


@pytest.mark.sqlite_only  # PostgreSQL writes code and ballot in one statement: no "between"
def test_ballot_is_stored_whole_or_not_at_all_when_python_fails_between_the_writes(
        app: Flask, world: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    setup = open_round(app, world)
    answers = {setup["questions"]["ranked"]: [setup["initiatives"]["Bankjes"]]}
    digest = digest_of(app, issue_codes(app, setup["round_id"])[0])
    marked = []
    real_mark_used = ballots._mark_used

    def spy(*args: Any) -> int:
        marked.append(real_mark_used(*args))
        return marked[-1]

    def broken_insert(*_args: Any) -> None:
        raise RuntimeError("disk full")

    before = snapshot(app)
    monkeypatch.setattr(ballots, "_mark_used", spy)
    monkeypatch.setattr(ballots, "_insert_ballot", broken_insert)
    with Session(app.extensions[EXTENSION]) as session, pytest.raises(RuntimeError):
        ballots.cast_ballot(session, setup["round_id"], digest, answers)
    assert marked == [1]  # the code was marked used inside the failed transaction...
    assert snapshot(app) == before  # ...and that was rolled back
    monkeypatch.undo()
    with Session(app.extensions[EXTENSION]) as session:
        ballots.cast_ballot(session, setup["round_id"], digest, answers)
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert len(stored) == 1 and [c.used for c in codes] == [True]


def test_no_column_links_a_ballot_to_a_code(app: Flask) -> None:
    engine = app.extensions[EXTENSION]
    schema = inspect(engine)
    ballot_columns = {c["name"]: c["type"] for c in schema.get_columns("ballot")}
    code_columns = {c["name"]: c["type"] for c in schema.get_columns("stemcode")}
    assert set(ballot_columns) == {"id", "round_id", "channel", "stembureau_id", "answers"}
    assert set(code_columns) == {"id", "round_id", "code_hash", "used"}
    for column_type in [*ballot_columns.values(), *code_columns.values()]:
        assert not isinstance(column_type, Date | DateTime | Time)  # no clock values at all
    referred = {fk["referred_table"] for fk in schema.get_foreign_keys("ballot")}
    assert referred == {"round", "stembureau"}
    assert {fk["referred_table"] for fk in schema.get_foreign_keys("stemcode")} == {"round"}
    # No table points at both: nothing joins ballots to codes.
    for table in schema.get_table_names():
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert not {"ballot", "stemcode"} <= targets, table


def test_casting_writes_no_log_and_ids_are_random(app: Flask, world: dict[str, int]) -> None:
    setup = open_round(app, world)
    answers = {setup["questions"]["ranked"]: [setup["initiatives"]["Bankjes"]]}
    codes = issue_codes(app, setup["round_id"], 3)
    before = snapshot(app)
    with Session(app.extensions[EXTENSION]) as session:
        for code in codes:
            ballots.cast_ballot(session, setup["round_id"], digest_of(app, code), answers)
    after = snapshot(app)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"ballot", "stemcode"}  # no audit event, no other trace
    stored, _codes = ballots_and_codes(app, setup["round_id"])
    assert all(uuid.UUID(b.id).version == 4 for b in stored)


@pytest.mark.sqlite_only
def test_sqlite_keeps_ballots_in_random_id_order(app: Flask, world: dict[str, int]) -> None:
    setup = open_round(app, world)
    qid, ids = setup["questions"]["ranked"], list(setup["initiatives"].values())
    codes = issue_codes(app, setup["round_id"], 24)
    cast_order = []
    with Session(app.extensions[EXTENSION]) as session:
        for n, code in enumerate(codes):
            # Distinct answers so that the casting order is recognisable in the table.
            answer = [ids[n % 4], ids[(n // 4) % 4]] if n % 4 != (n // 4) % 4 else [ids[n % 4]]
            ballots.cast_ballot(session, setup["round_id"], digest_of(app, code), {qid: answer})
            cast_order.append(ballots.encode_answers({qid: answer}))
    with app.extensions[EXTENSION].connect() as connection:
        sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ballot'"))
        assert "WITHOUT ROWID" in sql.scalar_one()
        physical = connection.execute(text("SELECT id, answers FROM ballot")).all()
    assert [row.id for row in physical] == sorted(row.id for row in physical)
    assert [row.answers for row in physical] != cast_order
