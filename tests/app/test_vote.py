"""The resident's online vote through the test client: code, ballot, review, cast, confirmation."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict

from app import create_app
from app.db import EXTENSION
from app.services import ballots, stemcodes
from ballots.errors import BallotError
from tests.app.conftest import TEST_CONFIG, csrf_token, page_text, post_form, snapshot
from tests.app.vote_world import ballots_and_codes, issue_codes, open_round, set_round

HIDDEN = re.compile(r'<input type="hidden" name="(q[^"]*)" value="([^"]*)">')


def enter(client: FlaskClient, code: str):
    """Posts a code on the code entry page."""
    return post_form(client, "/stemmen", {"code": code})


def review(client: FlaskClient, fields: dict) -> tuple:
    """Posts a filled-in ballot; returns the response and the hidden fields of the review."""
    response = post_form(client, "/stemmen/stembiljet", fields)
    return response, HIDDEN.findall(response.get_data(as_text=True))


def cast(client: FlaskClient, hidden: list[tuple[str, str]]):
    """Casts from the review page with its hidden fields."""
    token = csrf_token(client, "/stemmen")
    return client.post("/stemmen/uitbrengen", data=MultiDict([("csrf_token", token), *hidden]))


def test_full_wijktop3_vote_on_a_phone(app: Flask, client: FlaskClient,
                                       world: dict[str, int]) -> None:
    setup = open_round(app, world)
    code = issue_codes(app, setup["round_id"])[0]
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]

    response = enter(client, "  " + code.lower().replace("-", " ") + " ")
    assert response.status_code == 302 and response.headers["Location"].endswith("/stembiljet")
    with client.session_transaction() as session:
        expected = hmac.new(b"test-secret-key", code.replace("-", "").encode(),
                            hashlib.sha256).hexdigest()
        assert session.get("stemcode") == expected
        assert code not in json.dumps(dict(session)) and code.replace("-", "") not in str(session)

    page = page_text(client.get("/stemmen/stembiljet"))
    assert "1e keuze" in page and "3e keuze" in page and "4e keuze" not in page
    assert "Speeltuin" in page and "Niet toegelaten" not in page

    response, hidden = review(client, {f"q{qid}_1": ids["Bankjes"], f"q{qid}_2": ids["Speeltuin"]})
    assert response.status_code == 200
    text = page_text(response)
    assert "Controleer uw stem" in text and "1. Bankjes" in text and "2. Speeltuin" in text
    assert ballots_and_codes(app, setup["round_id"])[0] == []  # nothing cast by reviewing

    response = cast(client, hidden)
    assert response.status_code == 302 and response.headers["Location"].endswith("/bedankt")
    assert "Uw stem in Wijktop-3 A2 is opgeslagen" in page_text(client.get("/stemmen/bedankt"))
    with client.session_transaction() as session:
        assert "stemcode" not in session
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert len(stored) == 1 and stored[0].channel == "online"
    assert json.loads(stored[0].answers) == {str(qid): [ids["Bankjes"], ids["Speeltuin"]]}
    assert [c.used for c in codes] == [True]


def test_every_question_kind_on_one_ballot(app: Flask, client: FlaskClient,
                                           world: dict[str, int]) -> None:
    setup = open_round(app, world, every_kind=True)
    q, ids = setup["questions"], setup["initiatives"]
    enter(client, issue_codes(app, setup["round_id"])[0])
    page = page_text(client.get("/stemmen/stembiljet"))
    assert "Kies initiatieven die samen maximaal € 5.000,00 kosten" in page
    assert "Muurschildering (€ 3.200,00)" in page  # only the municipal share counts
    fields = {f"q{q['ranked']}_1": ids["Lantaarns"],
              # sent against id order: a set of choices is stored sorted by id
              f"q{q['approval']}": [ids["Bankjes"], ids["Speeltuin"]],
              f"q{q['knapsack']}": [ids["Bankjes"], ids["Speeltuin"]],
              f"q{q['points']}_{ids['Speeltuin']}": "7",
              f"q{q['points']}_{ids['Bankjes']}": "3",
              f"q{q['points']}_{ids['Lantaarns']}": "0",
              f"q{q['yesno']}": "no"}
    response, hidden = review(client, fields)
    assert response.status_code == 200, page_text(response)
    assert "Speeltuin: 7" in page_text(response) and "Nee" in page_text(response)
    assert cast(client, hidden).status_code == 302
    stored, _codes = ballots_and_codes(app, setup["round_id"])
    assert json.loads(stored[0].answers) == {
        str(q["ranked"]): [ids["Lantaarns"]],
        str(q["approval"]): sorted([ids["Speeltuin"], ids["Bankjes"]]),
        str(q["knapsack"]): sorted([ids["Speeltuin"], ids["Bankjes"]]),
        str(q["points"]): {str(ids["Speeltuin"]): 7, str(ids["Bankjes"]): 3},
        str(q["yesno"]): "no"}


def test_changing_choices_from_the_review_keeps_them(app: Flask, client: FlaskClient,
                                                    world: dict[str, int]) -> None:
    setup = open_round(app, world)
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]
    enter(client, issue_codes(app, setup["round_id"])[0])
    _response, hidden = review(client, {f"q{qid}_1": ids["Bankjes"]})
    token = csrf_token(client, "/stemmen")
    response = client.post("/stemmen/stembiljet",
                           data=MultiDict([("csrf_token", token), ("edit", "1"), *hidden]))
    assert response.status_code == 200
    assert f'<option value="{ids["Bankjes"]}" selected>' in response.get_data(as_text=True)


# (kind, fields builder, Dutch message): each reachable spec error through the form.
SPEC_ERRORS = [
    ("ranked", lambda q, i: {f"q{q}_1": i["Bankjes"], f"q{q}_2": i["Bankjes"]},
     "U koos Bankjes meer dan eens."),
    ("ranked", lambda q, i: {f"q{q}_1": "999999"},
     "Een van uw keuzes hoort niet bij deze vraag."),
    ("ranked", lambda q, i: {}, "Kies ten minste 1."),
    ("approval", lambda q, i: {f"q{q}": [i["Speeltuin"], i["Bankjes"], i["Lantaarns"]]},
     "Kies maximaal 2 (u koos er 3)."),
    ("knapsack", lambda q, i: {f"q{q}": [i["Speeltuin"], i["Muurschildering"]]},
     "Te duur: € 1.200,00 boven het budget van € 5.000,00."),
    ("points", lambda q, i: {f"q{q}_{i['Speeltuin']}": "11"},
     "Verdeel maximaal 10 punten (u gaf er 11)."),
    ("points", lambda q, i: {f"q{q}_{i['Speeltuin']}": "-1"},
     "Speeltuin kan niet minder dan 0 punten krijgen."),
    ("points", lambda q, i: {f"q{q}_{i['Speeltuin']}": "twee"},
     "Dit antwoord is niet te lezen. Vul het opnieuw in."),
    ("points", lambda q, i: {f"q{q}_{i['Speeltuin']}": "0"}, "Geef ten minste één punt."),
    ("yesno", lambda q, i: {}, "Kies ja of nee."),
    ("yesno", lambda q, i: {f"q{q}": "misschien"}, "Kies ja of nee."),
]


@pytest.mark.parametrize(("kind", "build", "expected"), SPEC_ERRORS)
def test_invalid_ballot_gives_the_dutch_reason_and_stores_nothing(
        app: Flask, client: FlaskClient, world: dict[str, int], kind, build, expected) -> None:
    setup = open_round(app, world, every_kind=True)
    q, ids = setup["questions"], setup["initiatives"]
    valid = {f"q{q['ranked']}_1": ids["Speeltuin"], f"q{q['approval']}": ids["Bankjes"],
             f"q{q['knapsack']}": ids["Bankjes"], f"q{q['points']}_{ids['Bankjes']}": "5",
             f"q{q['yesno']}": "yes"}
    fields = {k: v for k, v in valid.items() if not k.startswith(f"q{q[kind]}")}
    fields.update(build(q[kind], ids))
    enter(client, issue_codes(app, setup["round_id"])[0])
    before = snapshot(app)
    for url in ("/stemmen/stembiljet", "/stemmen/uitbrengen"):
        response = post_form(client, url, fields, form_url="/stemmen/stembiljet")
        assert response.status_code == 400, url
        assert expected in page_text(response), url
    assert snapshot(app) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("code", "params", "expected"), [
    ("malformed", {"kind": "ranked", "value": "'x'"}, "Dit antwoord is niet te lezen."),
    ("empty", {"minimum": 1}, "Kies ten minste 1."),
    ("too_few", {"count": 1, "limit": 2}, "Kies ten minste 2 (u koos er 1)."),
    ("too_many", {"count": 4, "limit": 3}, "Kies maximaal 3 (u koos er 4)."),
    ("duplicate", {"option": "Bankjes"}, "U koos Bankjes meer dan eens."),
    ("unknown_option", {"option": "7", "n_options": 3}, "hoort niet bij deze vraag"),
    ("over_budget", {"total": 620_000, "limit": 500_000, "excess": 120_000},
     "Te duur: € 1.200,00 boven het budget van € 5.000,00."),
    ("points_total", {"total": 9, "limit": 10, "exact": True},
     "Verdeel precies 10 punten (u gaf er 9)."),
    ("points_total", {"total": 11, "limit": 10, "exact": False},
     "Verdeel maximaal 10 punten (u gaf er 11)."),
    ("negative_points", {"option": "Bankjes", "points": -2}, "Bankjes kan niet minder dan 0"),
    ("points_per_option", {"option": "Bankjes", "points": 6, "limit": 5},
     "Bankjes kan maximaal 5 punten krijgen."),
    ("not_yes_no", {"value": "'x'"}, "Kies ja of nee."),
])
def test_every_spec_error_code_has_a_dutch_message(app: Flask, code: str, params: dict,
                                                   expected: str) -> None:
    from ballots.specs import RankedSpec

    item = ballots.BallotQuestion(ballots.Question(id=1, round_id=1, kind="ranked", rule="points",
                                                   text="?"), (), RankedSpec(("a",)))
    with app.test_request_context():
        assert expected in ballots.ballot_message(item, BallotError(code, "", **params)).replace(
            "\u00a0", " ")


def test_used_code_is_refused_with_a_dutch_message(app: Flask, client: FlaskClient,
                                                   world: dict[str, int]) -> None:
    setup = open_round(app, world)
    code = issue_codes(app, setup["round_id"])[0]
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]
    enter(client, code)
    cast(client, review(client, {f"q{qid}_1": ids["Bankjes"]})[1])
    before = snapshot(app)
    response = enter(client, code)
    assert response.status_code == 409
    assert "Met deze stemcode is al gestemd" in page_text(response)
    assert snapshot(app) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize("typed", ["AAAA-AAAA-AAAA", "22222222222", "0O1I-L0O1-IL0O",
                                   "<script>alert(1)</script>", "K" * 41, "' OR 1=1 --", "ä" * 12])
def test_wrong_codes_get_a_4xx_with_a_dutch_message(app: Flask, client: FlaskClient,
                                                    world: dict[str, int], typed: str) -> None:
    open_round(app, world)
    issue_codes(app, world["round_A2"], 3)
    before = snapshot(app)
    response = enter(client, typed)
    assert response.status_code == 400
    text = page_text(response)
    assert "Deze stemcode is onbekend" in text or "niet langer zijn dan 40 karakters" in text
    assert "<script>alert" not in text
    assert snapshot(app) == before
    with client.session_transaction() as session:
        assert "stemcode" not in session


@pytest.mark.sqlite_only
@pytest.mark.parametrize("change", [
    {"phase": "review"}, {"phase": "counting"},
    {"voting_start": 1}, {"voting_end": -1},
])
def test_codes_outside_the_voting_window_are_refused(app: Flask, client: FlaskClient,
                                                     world: dict[str, int], change) -> None:
    setup = open_round(app, world)
    code = issue_codes(app, setup["round_id"])[0]
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    set_round(app, setup["round_id"], **{name: today + timedelta(days=value)
                                         if name.startswith("voting") else value
                                         for name, value in change.items()})
    response = enter(client, code)
    assert response.status_code == 403
    assert "het stemmen in deze ronde is (nog) niet of niet meer open" in page_text(response)


@pytest.mark.sqlite_only
def test_voting_closing_between_steps_stops_the_ballot(app: Flask, client: FlaskClient,
                                                       world: dict[str, int]) -> None:
    setup = open_round(app, world)
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]
    enter(client, issue_codes(app, setup["round_id"])[0])
    _response, hidden = review(client, {f"q{qid}_1": ids["Bankjes"]})
    set_round(app, setup["round_id"], phase="counting")
    assert client.get("/stemmen/stembiljet").status_code == 403
    assert cast(client, hidden).status_code == 403
    assert ballots_and_codes(app, setup["round_id"])[0] == []


@pytest.mark.sqlite_only
def test_a_code_votes_only_in_its_own_round(app: Flask, client: FlaskClient,
                                            world: dict[str, int]) -> None:
    setup = open_round(app, world)
    set_round(app, world["round_B1"], phase="voting")
    code_b1 = issue_codes(app, world["round_B1"])[0]
    enter(client, code_b1)
    page = page_text(client.get("/stemmen/stembiljet"))
    assert "Wijkstemdag B1" in page and "Speeltuin" not in page  # B1's ballot, not A2's
    qid_a2, ids = setup["questions"]["ranked"], setup["initiatives"]
    # Posting A2's answers with a B1 code cannot cast in A2.
    response = post_form(client, "/stemmen/uitbrengen", {f"q{qid_a2}_1": ids["Bankjes"]},
                         form_url="/stemmen/stembiljet")
    assert response.status_code == 400 and "Kies ja of nee." in page_text(response)
    assert ballots_and_codes(app, setup["round_id"])[0] == []


@pytest.mark.sqlite_only
def test_steps_without_a_code_send_to_the_code_entry(client: FlaskClient) -> None:
    response = client.get("/stemmen/stembiljet")
    assert response.status_code == 302 and response.headers["Location"].endswith("/stemmen")


@pytest.mark.sqlite_only
def test_forms_refuse_a_missing_csrf_token(app: Flask, client: FlaskClient,
                                           world: dict[str, int]) -> None:
    setup = open_round(app, world)
    code = issue_codes(app, setup["round_id"])[0]
    assert client.post("/stemmen", data={"code": code}).status_code == 400
    enter(client, code)
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]
    before = snapshot(app)
    response = client.post("/stemmen/uitbrengen", data={f"q{qid}_1": ids["Bankjes"]})
    assert response.status_code == 400 and "verlopen" in page_text(response)
    assert snapshot(app) == before


@pytest.mark.sqlite_only
def test_code_entry_is_rate_limited(database, world: dict[str, int]) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0], "CODE_RATE_LIMIT": "3/minute"})
    try:
        open_round(app, world)
        code = issue_codes(app, world["round_A2"])[0]
        client = app.test_client()
        assert [enter(client, "AAAA-AAAA-AAAA").status_code for _ in range(3)] == [400] * 3
        response = enter(client, code)  # even the right code waits once the limit is hit
        assert response.status_code == 429 and "Te veel pogingen" in page_text(response)
        assert client.get("/stemmen").status_code == 200  # only attempts are counted
    finally:
        app.extensions[EXTENSION].dispose()


def test_busy_database_says_try_again_and_keeps_the_code(app: Flask, client: FlaskClient,
                                                        world: dict[str, int],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    setup = open_round(app, world)
    qid, ids = setup["questions"]["ranked"], setup["initiatives"]
    enter(client, issue_codes(app, setup["round_id"])[0])
    _response, hidden = review(client, {f"q{qid}_1": ids["Bankjes"]})

    def locked(*_args, **_kwargs):
        raise OperationalError("UPDATE stemcode", {}, Exception("database is locked"))

    with monkeypatch.context() as patch:
        patch.setattr(ballots, "_write_ballot", locked)
        response = cast(client, hidden)
    assert response.status_code == 503
    text = page_text(response)
    assert "probeer het over een moment opnieuw" in text
    assert HIDDEN.findall(response.get_data(as_text=True)) == hidden  # the retry keeps the ballot
    stored, codes = ballots_and_codes(app, setup["round_id"])
    assert stored == [] and [c.used for c in codes] == [False]
    assert cast(client, hidden).status_code == 302  # the same code works on a retry
    assert len(ballots_and_codes(app, setup["round_id"])[0]) == 1


@pytest.mark.sqlite_only
def test_stemcodes_service_recognises_codes_as_typed(app: Flask, world: dict[str, int]) -> None:
    open_round(app, world)
    code = issue_codes(app, world["round_A2"])[0]
    with app.test_request_context():
        assert stemcodes.code_hash(code) == stemcodes.code_hash(code.lower().replace("-", " "))


ROLES = ("anonymous", "committee-A1", "committee-A2", "official-A", "official-B", "admin")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("role", ROLES)
# A used code is refused once, then dropped from the session: the next step asks for a code.
@pytest.mark.parametrize(("holding", "status", "on_post"), [
    ("round_A2", 200, 400), ("round_B1", 403, 403), ("used", 409, 302), ("none", 302, 302)])
def test_vote_steps_depend_on_the_code_held_not_on_the_role(
        app: Flask, client: FlaskClient, auth, world: dict[str, int], role: str,
        holding: str, status: int, on_post: int) -> None:
    open_round(app, world)  # round A2 takes votes; round B1 is a draft
    if role != "anonymous":
        auth.login(role)
    if holding != "none":
        code = issue_codes(app, world["round_A2" if holding == "used" else holding])[0]
        with app.test_request_context(), client.session_transaction() as session:
            session["stemcode"] = stemcodes.code_hash(code)
    if holding == "used":
        set_used = ballots_and_codes(app, world["round_A2"])[1][0]
        with app.extensions[EXTENSION].begin() as connection:
            connection.exec_driver_sql("UPDATE stemcode SET used = 1 WHERE id = ?", (set_used.id,))
    assert client.get("/stemmen/stembiljet").status_code == status
    response = post_form(client, "/stemmen/uitbrengen", {}, form_url="/stemmen")
    assert response.status_code == on_post
    assert ballots_and_codes(app, world["round_A2"])[0] == []
