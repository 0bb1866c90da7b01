"""Shared pages: the blank ballot and the thank-you page are rendered once per worker
and shared by anonymous voters, each with their own CSRF token (app/shared_pages.py)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.shared_pages import PAGES
from tests.app.conftest import page_text
from tests.app.vote_world import issue_codes, open_round

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def open_link(client: FlaskClient, code: str) -> tuple[str, set[str]]:
    """Follows a letter's link; the page and the CSRF tokens on it."""
    response = client.get("/stemmen", query_string={"code": code})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, set(TOKEN.findall(html))


def cast(client: FlaskClient, token: str, setup: dict) -> int:
    """Casts a Wijktop-3 ballot with ``token``; the status."""
    qid = setup["questions"]["ranked"]
    picks = list(setup["initiatives"].values())[:3]
    data = {"csrf_token": token, **{f"q{qid}_{slot}": str(item)
                                    for slot, item in enumerate(picks, 1)}}
    return client.post("/stemmen/uitbrengen", data=data).status_code


def test_voters_share_the_ballot_each_with_their_own_token(app: Flask, world) -> None:
    setup = open_round(app, world)
    codes = issue_codes(app, setup["round_id"], 2)
    first, second = app.test_client(), app.test_client()
    first_page, (first_token,) = open_link(first, codes[0])
    second_page, (second_token,) = open_link(second, codes[1])
    assert first_token != second_token
    assert first_page.replace(first_token, "") == second_page.replace(second_token, "")
    assert cast(second, first_token, setup) == 400, "another voter's token is refused"
    assert cast(second, second_token, setup) == 302
    assert cast(first, first_token, setup) == 302
    thanks = [first.get("/stemmen/bedankt"), second.get("/stemmen/bedankt")]
    assert all("Uw stem in" in page_text(page) for page in thanks)
    tokens = [TOKEN.findall(page.get_data(as_text=True)) for page in thanks]
    assert tokens[0] and tokens[0] != tokens[1], "the language switch carries each one's token"


def test_staff_see_their_own_header_and_voters_never_see_it(app: Flask, world, auth) -> None:
    setup = open_round(app, world)
    codes = issue_codes(app, setup["round_id"], 3)
    voter = app.test_client()
    assert "Uitloggen" not in page_text(voter.get("/stemmen", query_string={"code": codes[0]}))
    assert auth.login("committee-A1").status_code == 302
    assert "Uitloggen" in page_text(auth._client.get("/"))
    staff_page = page_text(auth._client.get("/stemmen", query_string={"code": codes[1]}))
    assert "Uitloggen (committee-a1)" in staff_page
    later = page_text(app.test_client().get("/stemmen", query_string={"code": codes[2]}))
    assert "committee-a1" not in later and "Uitloggen" not in later


def test_each_language_gets_its_own_page(app: Flask, world) -> None:
    setup = open_round(app, world)
    codes = issue_codes(app, setup["round_id"], 2)
    dutch, english = app.test_client(), app.test_client()
    with english.session_transaction() as session:
        session["lang"] = "en"
    assert "Mijn stembiljet controleren" in page_text(
        dutch.get("/stemmen", query_string={"code": codes[0]}))
    english_page = page_text(english.get("/stemmen", query_string={"code": codes[1]}))
    assert "Check my ballot" in english_page and "controleren" not in english_page


def test_the_code_page_is_shared_and_each_token_works(app: Flask, world) -> None:
    setup = open_round(app, world)
    codes = issue_codes(app, setup["round_id"], 2)
    pages = []
    for code in codes:
        client = app.test_client()
        html = client.get("/stemmen").get_data(as_text=True)
        (token,) = set(TOKEN.findall(html))
        pages.append(html.replace(token, ""))
        response = client.post("/stemmen", data={"csrf_token": token, "code": code})
        assert response.status_code == 302 and response.headers["Location"].endswith("/stembiljet")
    assert pages[0] == pages[1]


def test_pages_asked_for_with_a_query_of_ones_own_are_not_shared(app: Flask) -> None:
    # Each would be a cache entry of its own (and could carry the visitor's text, here
    # their own token, into another visitor's page).
    client = app.test_client()
    for n in range(20):
        assert client.get("/stemmen", query_string={"utm": str(n)}).status_code == 200
    own = TOKEN.findall(client.get("/stemmen").get_data(as_text=True))[0]
    client.get("/stemmen/bedankt", query_string={"x": own})
    other = app.test_client().get("/stemmen/bedankt", query_string={"x": own})
    assert own in other.get_data(as_text=True)  # the visitor's own text, as sent
    assert len(app.extensions[PAGES]._entries) == 1  # the plain code page only
