"""Stemcodes: format, alphabet and entropy; only keyed hashes stored; the official's letters."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import Counter

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from app import qr
from app.db import EXTENSION
from app.models import AuditEvent, Round, Stemcode
from app.services import stemcodes
from app.services.errors import ServiceError
from tests.app.conftest import page_text, post_form, snapshot
from tests.app.vote_world import CODE_PATTERN, issue_codes, set_round

LOOK_ALIKES = set("0O1IlL")


@pytest.mark.sqlite_only
def test_codes_are_typable_and_unguessable(app: Flask) -> None:
    with app.app_context():
        codes = [stemcodes.new_code() for _ in range(2000)]
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes)
    characters = Counter("".join(codes).replace("-", ""))
    assert not LOOK_ALIKES & set(characters)
    alphabet_size = len(set(stemcodes.ALPHABET))
    assert alphabet_size == len(stemcodes.ALPHABET) == 31  # 23 letters + 8 digits
    assert 12 * math.log2(alphabet_size) >= 40
    assert len(set(codes)) == len(codes)
    # Every character about equally often (chi-square, 30 degrees of freedom; 90 is p < 1e-7).
    expected = 2000 * 12 / alphabet_size
    assert set(characters) == set(stemcodes.ALPHABET)
    chi2 = sum((characters[c] - expected) ** 2 / expected for c in stemcodes.ALPHABET)
    assert chi2 < 90


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("typed", "normalised"), [
    ("k7mr-9xwq-h3td", "K7MR9XWQH3TD"), (" K7MR 9XWQ H3TD ", "K7MR9XWQH3TD"),
    ("K7MR–9XWQ–H3TD", "K7MR9XWQH3TD"), ("k7mr9xwqh3td\n", "K7MR9XWQH3TD"),
])
def test_entry_ignores_case_spaces_and_dashes(app: Flask, typed: str, normalised: str) -> None:
    assert stemcodes.normalise_code(typed) == normalised
    with app.app_context():
        expected = hmac.new(b"test-secret-key", normalised.encode(), hashlib.sha256).hexdigest()
        assert stemcodes.code_hash(typed) == expected


def test_only_keyed_hashes_are_stored_and_the_log_has_the_count(app: Flask, world) -> None:
    codes = issue_codes(app, world["round_A1"], 5)
    assert len(set(codes)) == 5 and all(CODE_PATTERN.fullmatch(c) for c in codes)
    every_value = repr(snapshot(app))
    for code in codes:
        assert code not in every_value and code.replace("-", "") not in every_value
    with Session(app.extensions[EXTENSION]) as session:
        stored = session.exec(select(Stemcode).where(Stemcode.round_id == world["round_A1"]))
        hashes = {s.code_hash for s in stored}
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "stemcodes.issued"))
        assert [e.details for e in events] == [{"count": 5}]
    assert hashes == {hmac.new(b"test-secret-key", c.replace("-", "").encode(),
                               hashlib.sha256).hexdigest() for c in codes}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("phase", ["counting", "published"])
def test_no_codes_after_voting_closes(app: Flask, world, phase: str) -> None:
    set_round(app, world["round_A2"], phase=phase)
    before = snapshot(app)
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        with pytest.raises(ServiceError, match="stemcodes_closed"):
            stemcodes.issue_stemcodes(session, session.get(Round, world["round_A2"]), 3, None)
    assert snapshot(app) == before


def test_official_prints_letters_once(app: Flask, client: FlaskClient, auth, world) -> None:
    auth.login("official-A")
    url = f"/official/rounds/{world['round_A1']}/stemcodes"
    response = post_form(client, url, {"count": "3"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = page_text(response)
    codes = sorted(set(CODE_PATTERN.findall(page)))
    assert len(codes) == 3 and page.count('<section class="letter">') == 3
    assert "/static/letters.css" in page  # one letter per printed page (no inline CSS: CSP)
    css = client.get("/static/letters.css")
    assert b"break-after: page" in css.data and b"page-break-after: always" in css.data
    css.close()
    assert page.count("Uw stemcode voor Wijktop-3 A1") == 3
    assert page.count("Beste bewoner van Wijk A1") == 3
    assert page.count("Ga naar http://localhost/stemmen en vul deze code in") == 3
    # ...or follow the letter's own link, which opens the ballot with the code in it
    assert all(page.count(f"http://localhost/stemmen?code={code}") == 1 for code in codes)
    # ...or scan the letter's QR code, which holds that same link
    html = response.get_data(as_text=True)
    assert html.count("<svg") == 3 and page.count("Of scan deze code") == 3
    for code in codes:
        link_modules = segno.make(f"http://localhost/stemmen?code={code}", error="m",
                                  mask=qr.MASK).svg_inline(scale=3, border=4)
        assert re.search(r' d="([^"]+)"', link_modules).group(1) in html
    with client.session_transaction() as session:
        assert not any(c in repr(dict(session)) for c in codes)
    again = page_text(client.get(url))
    assert not CODE_PATTERN.findall(again)  # shown once: never again
    assert "Aangemaakte codes" in again and ">3<" in again


@pytest.mark.sqlite_only
def test_letters_are_dutch_even_for_an_english_official(client: FlaskClient, auth, world) -> None:
    auth.login("official-A")
    with client.session_transaction() as session:
        session["lang"] = "en"
    url = f"/official/rounds/{world['round_A1']}/stemcodes"
    assert "Voting codes" in page_text(client.get(url))
    page = page_text(post_form(client, url, {"count": "1"}))
    assert "Uw stemcode voor" in page and 'lang="nl"' in page


@pytest.mark.sqlite_only
@pytest.mark.parametrize("count", ["0", "-1", "5001", "99999999999999999999", "drie",
                                   "<script>alert(1)</script>", ""])
def test_bad_counts_are_refused(app: Flask, client: FlaskClient, auth, world, count: str) -> None:
    auth.login("official-A")
    before = snapshot(app)
    response = post_form(client, f"/official/rounds/{world['round_A1']}/stemcodes",
                         {"count": count})
    assert response.status_code == 400
    assert not CODE_PATTERN.findall(page_text(response))
    assert "<script>alert" not in page_text(response)
    assert snapshot(app) == before


@pytest.mark.sqlite_only
def test_closed_round_refuses_codes_with_a_dutch_message(app: Flask, client: FlaskClient, auth,
                                                         world) -> None:
    set_round(app, world["round_A2"], phase="counting")
    auth.login("official-A")
    before = snapshot(app)
    response = post_form(client, f"/official/rounds/{world['round_A2']}/stemcodes",
                         {"count": "2"})
    assert response.status_code == 400
    assert "Stemcodes kunnen alleen worden aangemaakt tot het stemmen sluit." in page_text(
        response)
    assert snapshot(app) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("who", "status"), [("official-B", 403), ("committee-A1", 403),
                                             ("admin", 200)])
def test_only_officials_of_the_stadsdeel_issue_codes(app: Flask, client: FlaskClient, auth,
                                                     world, who: str, status: int) -> None:
    auth.login(who)
    url = f"/official/rounds/{world['round_A1']}/stemcodes"
    token_page = "/" if status == 403 else url
    response = post_form(client, url, {"count": "2"}, form_url=token_page)
    assert response.status_code == status
    issued, _used = _counts(app, world["round_A1"])
    assert issued == (2 if status == 200 else 0)


def _counts(app: Flask, round_id: int) -> tuple[int, int]:
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        return stemcodes.counts(session, round_id)
