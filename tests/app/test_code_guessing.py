"""Guessing stemcodes: wrong codes from one client are slowed, then refused; right ones never.

The app counts wrong codes per client address in the limiter's storage
(CODE_FAILURE_LIMIT, here ``3 per minute;5 per hour``), apart from the plain
request rate (CODE_RATE_LIMIT, set high here). A clock moved by hand stands in
for waiting.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlmodel import Session

from app import create_app, ratelimit
from app.config import from_environment
from app.db import EXTENSION
from app.models import Stemcode
from app.services import stemcodes
from tests.app.conftest import TEST_CONFIG, csrf_token, page_text
from tests.app.vote_world import issue_codes, open_round

pytestmark = pytest.mark.sqlite_only

UNKNOWN_NL = "Deze stemcode is onbekend"
TOO_MANY_NL = "Te veel pogingen"
WRONG = "ABCD-EFGH-JKMN"  # well formed, never issued


class Clock:
    """``time.time`` that can be moved forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A movable clock for the limiter's memory storage and the Retry-After header."""
    fake = Clock()
    monkeypatch.setattr("app.limiter_storage.time", fake)
    monkeypatch.setattr(ratelimit, "time", fake)
    return fake


@pytest.fixture
def guarded(database) -> Iterator[Flask]:
    """The app with a small wrong-code limit and a plain rate that never interferes."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "CODE_RATE_LIMIT": "1000 per minute",
                      "CODE_FAILURE_LIMIT": "3 per minute;5 per hour"})
    yield app
    app.extensions[EXTENSION].dispose()


def follow_link(client: FlaskClient, code: str, address: str = "203.0.113.7"):
    """Opens the letter's link (``/stemmen?code=...``) from client ``address``."""
    return client.get("/stemmen", query_string={"code": code},
                      environ_base={"REMOTE_ADDR": address})


def enter(client: FlaskClient, code: str, address: str = "203.0.113.7"):
    """Types a code on the code page, from client ``address``."""
    token = csrf_token(client, "/stemmen")
    return client.post("/stemmen", data={"code": code, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_codes_are_slowed_then_refused(guarded: Flask, world, clock: Clock) -> None:
    open_round(guarded, world)
    right = issue_codes(guarded, world["round_A2"], 2)
    client = guarded.test_client()
    for _ in range(3):
        response = enter(client, WRONG)
        assert response.status_code == 400 and UNKNOWN_NL in page_text(response)
    # slowed: the fourth try within the minute is refused, even with a right code
    refused = enter(client, right[0])
    assert refused.status_code == 429 and TOO_MANY_NL in page_text(refused)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    # another client address is not affected
    assert enter(guarded.test_client(), right[1], address="198.51.100.2").status_code == 302
    clock.offset += 61
    assert enter(client, WRONG).status_code == 400  # after a minute: tries again
    assert enter(client, WRONG).status_code == 400
    # refused: five wrong codes within the hour
    clock.offset += 61
    refused = enter(client, right[0])
    assert refused.status_code == 429 and TOO_MANY_NL in page_text(refused)
    assert int(refused.headers["Retry-After"]) > 60
    assert "Traceback" not in page_text(refused)


def test_used_codes_do_not_count_as_wrong(guarded: Flask, world, clock: Clock) -> None:
    open_round(guarded, world)
    client = guarded.test_client()
    used = issue_codes(guarded, world["round_A2"], 1)[0]
    with guarded.app_context(), Session(guarded.extensions[EXTENSION]) as session:
        session.exec(update(Stemcode).where(Stemcode.code_hash == stemcodes.code_hash(used))
                     .values(used=True))
        session.commit()
    # a resident retrying after a lost confirmation is told so, again and again
    assert [enter(client, used).status_code for _ in range(6)] == [409] * 6
    assert [enter(client, WRONG).status_code for _ in range(4)] == [400, 400, 400, 429]


def test_empty_forms_are_not_guesses(guarded: Flask, world, clock: Clock) -> None:
    client = guarded.test_client()
    assert [enter(client, " ").status_code for _ in range(5)] == [400] * 5
    assert [enter(client, WRONG).status_code for _ in range(4)] == [400, 400, 400, 429]


def test_right_codes_are_not_penalised(guarded: Flask, world, clock: Clock) -> None:
    open_round(guarded, world)
    codes = issue_codes(guarded, world["round_A2"], 8)
    client = guarded.test_client()
    # more right codes than the wrong-code limit allows in an hour
    assert [enter(client, code).status_code for code in codes] == [302] * 8
    # the full allowance of wrong codes is still there
    assert [enter(client, WRONG).status_code for _ in range(4)] == [400, 400, 400, 429]


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path) -> None:
    monkeypatch.setenv("WIJKSTEM_CODE_FAILURE_LIMIT", "2 per minute;9 per day")
    monkeypatch.setenv("WIJKSTEM_SECRET_KEY", "x")
    assert from_environment(str(tmp_path))["CODE_FAILURE_LIMIT"] == "2 per minute;9 per day"
    monkeypatch.delenv("WIJKSTEM_CODE_FAILURE_LIMIT")
    assert from_environment(str(tmp_path))["CODE_FAILURE_LIMIT"] == "5 per minute;20 per hour"


def test_wrong_codes_in_letter_links_count_as_guesses(guarded: Flask, world,
                                                      clock: Clock) -> None:
    open_round(guarded, world)
    right = issue_codes(guarded, world["round_A2"], 1)[0]
    client = guarded.test_client()
    for _ in range(3):
        assert follow_link(client, WRONG).status_code == 400
    refused = follow_link(client, right)
    assert refused.status_code == 429 and TOO_MANY_NL in page_text(refused)
    assert refused.headers["Referrer-Policy"] == "no-referrer"  # its URL holds a code
    # the plain code page is no guess and stays open
    assert [client.get("/stemmen").status_code for _ in range(10)] == [200] * 10


def test_code_rate_limit_applies_to_letter_links(database, world) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "CODE_RATE_LIMIT": "2 per minute"})
    try:
        open_round(app, world)
        client = app.test_client()
        statuses = [follow_link(client, WRONG, address="198.51.100.9").status_code
                    for _ in range(3)]
        assert statuses == [400, 400, 429]
        limited = follow_link(client, WRONG, address="198.51.100.9")
        assert limited.status_code == 429
        assert limited.headers["Referrer-Policy"] == "no-referrer"
    finally:
        app.extensions[EXTENSION].dispose()
