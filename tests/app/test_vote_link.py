"""The link on the stemcode letter (``/stemmen?code=...``) opens the ballot at once."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services import stemcodes
from tests.app.conftest import CSRF_INPUT, page_text
from tests.app.test_code_guessing import (
    UNKNOWN_NL,
    WRONG,
    clock,  # noqa: F401  (a fixture: the moved clock)
)
from tests.app.vote_world import ballots_and_codes, issue_codes, open_round, set_round


def follow_link(client: FlaskClient, code: str, address: str = "203.0.113.7"):
    """Opens the letter's link for ``code``."""
    return client.get("/stemmen", query_string={"code": code},
                      environ_base={"REMOTE_ADDR": address})


def token_of(response) -> str:
    """The CSRF token of the page's form."""
    found = CSRF_INPUT.search(response.get_data(as_text=True))
    return found.group(1) or found.group(2)


def test_letter_link_opens_the_ballot_and_casts(app: Flask, client: FlaskClient,
                                                world: dict[str, int]) -> None:
    setup = open_round(app, world)
    code = issue_codes(app, setup["round_id"])[0]
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]

    # as scanned or typed over from the letter: case and dashes do not matter
    opened = follow_link(client, code.lower().replace("-", ""))
    assert opened.status_code == 200
    assert opened.headers["Referrer-Policy"] == "no-referrer"  # the code stays here
    page = page_text(opened)
    assert "1e keuze" in page and "Speeltuin" in page and "Niet toegelaten" not in page
    # the code is nowhere on the page: the language switch leads back to the ballot
    html = opened.get_data(as_text=True)
    assert code not in html and code.replace("-", "") not in html
    assert '<input type="hidden" name="next" value="/stemmen/stembiljet">' in html
    with app.app_context():
        digest = stemcodes.code_hash(code)
    with client.session_transaction() as session:  # the hash, never the code itself
        assert session["stemcode"] == digest and code not in str(dict(session))

    cast = client.post("/stemmen/uitbrengen", data={
        "csrf_token": token_of(opened), f"q{qid}_1": str(ids["Bankjes"]),
        f"q{qid}_2": str(ids["Speeltuin"])})
    assert cast.status_code == 302, page_text(cast)
    assert cast.headers["Location"].endswith("/stemmen/bedankt")
    assert "Uw stem" in page_text(client.get("/stemmen/bedankt"))
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert [b.answers for b in stored] == [f'{{"{qid}":[{ids["Bankjes"]},{ids["Speeltuin"]}]}}']
    assert [c.used for c in codes] == [True]

    # following the link again: the code is used (409), nothing more is stored
    again = follow_link(app.test_client(), code)
    assert again.status_code == 409 and "al gestemd" in page_text(again)
    assert len(ballots_and_codes(app, setup["round_id"])[0]) == 1


@pytest.mark.parametrize(("change", "status", "text"), [
    (None, 400, UNKNOWN_NL),
    ({"phase": "counting"}, 403, "kan nu niet"),
])
def test_letter_link_that_cannot_vote_shows_the_code_page(
        app: Flask, client: FlaskClient, world: dict[str, int], change, status, text) -> None:
    setup = open_round(app, world)
    code = issue_codes(app, setup["round_id"])[0]
    if change:
        set_round(app, setup["round_id"], **change)
    else:
        code = WRONG
    response = follow_link(client, code)
    assert response.status_code == status and text in page_text(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    assert f'value="{code}"' in html  # to correct by hand
    assert '<input type="hidden" name="next" value="/stemmen">' in html
    with client.session_transaction() as session:
        assert "stemcode" not in session
    assert client.get("/stemmen/stembiljet").status_code == 302  # no ballot without a code


def test_blank_ballot_follows_the_language(app: Flask, world: dict[str, int]) -> None:
    setup = open_round(app, world)
    first, second = issue_codes(app, setup["round_id"], 2)
    dutch = app.test_client()
    assert "1e keuze" in page_text(follow_link(dutch, first))
    english = app.test_client()
    with english.session_transaction() as session:
        session["lang"] = "en"
    page = page_text(follow_link(english, second))
    assert "Choice 1" in page and "1e keuze" not in page


def test_reloading_the_letter_link_is_not_refused(app: Flask, world: dict[str, int]) -> None:
    # A resident reloads and goes back; a household shares one address: the default
    # code rate limit (60 per minute) lets that through, wrong codes are limited apart.
    setup = open_round(app, world)
    codes = issue_codes(app, setup["round_id"], 3)
    client = app.test_client()
    statuses = [follow_link(client, codes[n % 3]).status_code for n in range(15)]
    assert statuses == [200] * 15
