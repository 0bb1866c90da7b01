"""Ballot secrecy, checked after a voting burst through the real vote flow.

Thirty residents vote with the test client, their codes used in random order.
Then every table and column (found by reflection, so a new table is checked
too), the audit log and the application log (captured at DEBUG) are searched:
no code, no code hash, no ballot id in a log line, no timestamp on ballots or
codes, no link between the two tables, no audit event per cast, and neither the
ballot ids nor the stored order of ballots or used codes follows the order of
casting. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Date, DateTime, Interval, MetaData, Time, func, text
from sqlmodel import Session, select

from app.db import EXTENSION
from app.models import AuditEvent, Round
from app.services import rounds, stemcodes
from tests.app.test_vote import cast, enter, review
from tests.app.vote_world import issue_codes, open_round

VOTERS = 30
# |Kendall tau| between casting order and a stored order: about 0.13 is typical for
# random order with 30 ballots; 0.5 is almost four standard deviations away.
MAX_TAU = 0.5
TIME_WORDS = ("time", "date", "_at", "when", "created", "updated", "used_on", "cast_on", "seq")
LOGGERS = (None, "app", "flask", "flask.app", "werkzeug", "flask_wtf")


def kendall_tau(order: Sequence[Any], other: Sequence[Any]) -> float:
    """Kendall's tau between two orderings of the same items (1: same order, -1: reversed)."""
    rank = {item: i for i, item in enumerate(other)}
    pairs = list(combinations(range(len(order)), 2))
    agree = sum(1 if rank[order[i]] < rank[order[j]] else -1 for i, j in pairs)
    return agree / len(pairs)


def ballot_ids(app: Flask, round_id: int) -> set[str]:
    """The ids of the round's ballots."""
    with app.extensions[EXTENSION].connect() as connection:
        return set(connection.execute(text("SELECT id FROM ballot WHERE round_id = :r"),
                                      {"r": round_id}).scalars())


def vote(app: Flask, setup: dict[str, Any], code: str, rng: random.Random) -> None:
    """One resident: code, ballot (a random Wijktop-3 ranking), review, cast, confirmation."""
    client = app.test_client()
    # every resident on their own phone (the code entry is rate limited per address)
    client.environ_base["REMOTE_ADDR"] = f"10.{rng.randrange(256)}.{rng.randrange(256)}.7"
    qid = setup["questions"]["ranked"]
    chosen = rng.sample(sorted(setup["initiatives"].values()), rng.randint(1, 3))
    assert enter(client, code).status_code == 302
    assert client.get("/stemmen/stembiljet").status_code == 200
    response, hidden = review(client, {f"q{qid}_{n}": option
                                       for n, option in enumerate(chosen, start=1)})
    assert response.status_code == 200, response.status_code
    assert cast(client, hidden).status_code == 302
    assert client.get("/stemmen/bedankt").status_code == 200
    with client.session_transaction() as session:
        assert "stemcode" not in session


def needles(app: Flask, codes: list[str]) -> set[str]:
    """Every form in which a code or its hash could be written down."""
    found = set()
    with app.app_context():
        for code in codes:
            normal = stemcodes.normalise_code(code)
            digest = stemcodes.code_hash(code)
            found |= {code, normal, code.lower(), normal.lower(), digest, digest.upper(),
                      digest[:16], digest[-16:]}
    return found


def voting_burst(app: Flask, world: dict[str, int],
                 caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    """A round after 30 votes cast in random order of codes, with the casting order known."""
    setup = open_round(app, world)
    codes = issue_codes(app, setup["round_id"], VOTERS)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    app.logger.debug("voting burst starts")  # shows that DEBUG records are captured
    with Session(app.extensions[EXTENSION]) as session:
        audit_before = session.exec(select(func.count()).select_from(AuditEvent)).one()
    rng = random.Random(2026)
    order = rng.sample(codes, len(codes))
    cast_ids: list[str] = []
    for code in order:
        before = ballot_ids(app, setup["round_id"])
        vote(app, setup, code, rng)
        (new,) = ballot_ids(app, setup["round_id"]) - before
        cast_ids.append(new)
    with app.app_context():
        hashes = [stemcodes.code_hash(code) for code in order]
    return {**setup, "codes": codes, "use_order": hashes, "cast_ids": cast_ids,
            "audit_before": audit_before, "needles": needles(app, codes),
            "log": [r.getMessage() for r in caplog.records]
            + [str(r.args) for r in caplog.records], "caplog": caplog}


def check_no_table_holds_a_code_or_links_a_ballot_to_one(app: Flask, burst: dict) -> None:
    metadata = MetaData()
    metadata.reflect(app.extensions[EXTENSION])
    assert {"ballot", "stemcode", "audit_event"} <= set(metadata.tables)
    leaks = []
    with app.extensions[EXTENSION].connect() as connection:
        for table in metadata.sorted_tables:
            referenced = {fk.column.table.name for fk in table.foreign_keys}
            if table.name != "stemcode" and "stemcode" in referenced:
                leaks.append(f"{table.name} points at stemcode")
            if table.name == "stemcode":
                continue  # the hashes live here, and only here
            for row in connection.execute(table.select()):
                for column, value in zip(table.columns, row, strict=True):
                    cell = str(value)
                    leaks += [f"{table.name}.{column.name} holds {needle!r}"
                              for needle in burst["needles"] if needle in cell]
    assert not leaks, leaks[:10]


def check_ballots_and_codes_carry_no_time_and_no_link(app: Flask, burst: dict) -> None:
    metadata = MetaData()
    metadata.reflect(app.extensions[EXTENSION])
    for name in ("ballot", "stemcode"):
        for column in metadata.tables[name].columns:
            assert not isinstance(column.type, DateTime | Date | Time | Interval), column
            assert not any(word in column.name.lower() for word in TIME_WORDS), column
    ballot_columns = set(metadata.tables["ballot"].columns.keys())
    assert ballot_columns == {"id", "round_id", "channel", "stembureau_id", "answers"}
    assert set(metadata.tables["stemcode"].columns.keys()) == {"id", "round_id", "code_hash",
                                                               "used"}


def check_no_audit_event_per_cast(app: Flask, burst: dict) -> None:
    with Session(app.extensions[EXTENSION]) as session:
        events = session.exec(select(AuditEvent)).all()
    assert len(events) == burst["audit_before"]
    assert not [e for e in events if "ballot" in e.action or "vote" in e.action
                or "cast" in e.action]


def check_no_log_line_holds_a_code_a_hash_or_a_ballot_id(burst: dict) -> None:
    # the capture works: the app logger's DEBUG line from the start of the burst is there
    assert "voting burst starts" in burst["log"]
    searched = burst["needles"] | set(burst["cast_ids"])
    leaks = [line for line in burst["log"] for needle in searched if needle in line]
    assert not leaks, leaks[:5]


def check_ballot_ids_do_not_follow_the_casting_order(app: Flask, burst: dict) -> None:
    cast_ids = burst["cast_ids"]
    assert len(set(cast_ids)) == VOTERS
    assert abs(kendall_tau(cast_ids, sorted(cast_ids))) < MAX_TAU
    with app.extensions[EXTENSION].connect() as connection:
        by_id = list(connection.execute(text("SELECT id FROM ballot WHERE round_id = :r "
                                             "ORDER BY id"), {"r": burst["round_id"]}).scalars())
    assert abs(kendall_tau(cast_ids, by_id)) < MAX_TAU


def check_used_codes_do_not_reveal_the_order_of_use(app: Flask, burst: dict) -> None:
    """Code rows keep their issue order (ids from issuing, no time of use)."""
    with app.extensions[EXTENSION].connect() as connection:
        used = list(connection.execute(text("SELECT code_hash FROM stemcode WHERE used "
                                            "ORDER BY id")).scalars())
    assert sorted(used) == sorted(burst["use_order"])
    assert abs(kendall_tau(burst["use_order"], used)) < MAX_TAU
    assert abs(kendall_tau(burst["use_order"], sorted(used))) < MAX_TAU


def check_stored_order_does_not_follow_the_casting_order(app: Flask, burst: dict) -> None:
    """Unordered scans (the physical order of rows) reveal nothing on SQLite (only).

    PostgreSQL's heap keeps rows in insertion order and writes an updated row anew;
    see the caveat on ``app.models.voting.Ballot``: its files stay secret until
    the round's tables are rewritten after voting.
    """
    if app.extensions[EXTENSION].dialect.name != "sqlite":
        return
    with app.extensions[EXTENSION].connect() as connection:
        scanned = list(connection.execute(text("SELECT id FROM ballot WHERE round_id = :r"),
                                          {"r": burst["round_id"]}).scalars())
        codes = list(connection.execute(text("SELECT code_hash FROM stemcode WHERE used"))
                     .scalars())
    assert abs(kendall_tau(burst["cast_ids"], scanned)) < MAX_TAU
    assert abs(kendall_tau(burst["use_order"], codes)) < MAX_TAU


def test_secrecy_after_a_voting_burst(app: Flask, world: dict[str, int],
                                      caplog: pytest.LogCaptureFixture) -> None:
    """One burst per database, then every check (a burst is the slow part)."""
    burst = voting_burst(app, world, caplog)
    check_no_table_holds_a_code_or_links_a_ballot_to_one(app, burst)
    check_ballots_and_codes_carry_no_time_and_no_link(app, burst)
    check_no_audit_event_per_cast(app, burst)
    check_no_log_line_holds_a_code_a_hash_or_a_ballot_id(burst)
    check_ballot_ids_do_not_follow_the_casting_order(app, burst)
    check_used_codes_do_not_reveal_the_order_of_use(app, burst)
    check_stored_order_does_not_follow_the_casting_order(app, burst)


def storage_order(app: Flask, round_id: int) -> tuple[list[str], list[str], int | None]:
    """Ballot ids and used code hashes as unordered scans return them, and on PostgreSQL
    the number of ballots whose transaction id (``xmin``) is that of one used code."""
    with app.extensions[EXTENSION].connect() as connection:
        scanned = list(connection.execute(text("SELECT id FROM ballot WHERE round_id = :r"),
                                          {"r": round_id}).scalars())
        codes = list(connection.execute(text("SELECT code_hash FROM stemcode WHERE used"))
                     .scalars())
        linked = None
        if connection.dialect.name == "postgresql":
            # ballots whose transaction id picks out exactly one used code
            linked = connection.execute(text(
                "SELECT count(*) FROM (SELECT b.id FROM ballot b JOIN stemcode s "
                "ON b.xmin = s.xmin WHERE b.round_id = :r AND s.used GROUP BY b.id "
                "HAVING count(*) = 1) AS pairs"), {"r": round_id}).scalar_one()
    return scanned, codes, linked


def test_closing_voting_wipes_the_casting_order_from_storage(
        app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture) -> None:
    """Below the columns: physical row order and, on PostgreSQL, the hidden ``xmin``.

    While voting runs, PostgreSQL's storage does follow the casting order (the
    caveat on ``app.models.voting.Ballot``); moving the round on to counting
    rewrites it (``app.services.secrecy``), keeping every ballot and code.
    """
    burst = voting_burst(app, world, caplog)
    with app.extensions[EXTENSION].connect() as connection:
        answers = sorted(connection.execute(text("SELECT id, answers FROM ballot")).all())
    _scanned, _codes, linked = storage_order(app, burst["round_id"])
    assert linked in (None, VOTERS)  # the PostgreSQL link exists until voting closes
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        rounds.advance_phase(session, session.get(Round, burst["round_id"]), "counting",
                             actor_id=world["account_admin"])
    scanned, codes, linked = storage_order(app, burst["round_id"])
    assert linked in (None, 0)
    assert abs(kendall_tau(burst["cast_ids"], scanned)) < MAX_TAU
    assert abs(kendall_tau(burst["use_order"], codes)) < MAX_TAU
    with app.extensions[EXTENSION].connect() as connection:
        assert sorted(connection.execute(text("SELECT id, answers FROM ballot")).all()) == answers
    assert sorted(codes) == sorted(burst["use_order"])
