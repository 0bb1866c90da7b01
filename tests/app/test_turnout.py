"""Turnout while voting runs: ballots cast and codes used, for committee and officials only,
and never a result before counting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import Session

from app.db import EXTENSION
from app.models import Round, Stembureau
from app.services import ballots, paper, stemcodes, turnout
from tests.app.vote_world import INITIATIVES, issue_codes, open_round


def cast_online(app: Flask, round_id: int, code: str, answer: list[int]) -> None:
    """Casts one online ballot through the service."""
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        question_id = ballots.ballot_questions(session, session.get(Round, round_id))[0].question.id
        ballots.cast_ballot(session, round_id, stemcodes.code_hash(code), {question_id: answer})


@pytest.fixture
def busy_round(app: Flask, world: dict[str, int]) -> dict:
    """Round A2 (2,500 inhabitants): 8 codes issued, 2 used online, 3 paper ballots, 4 issued."""
    setup = open_round(app, world)
    ids = setup["initiatives"]
    codes = issue_codes(app, setup["round_id"], 8)
    cast_online(app, setup["round_id"], codes[0], [ids["Bankjes"]])
    cast_online(app, setup["round_id"], codes[1], [ids["Speeltuin"], ids["Lantaarns"]])
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        round_ = session.get(Round, setup["round_id"])
        station = Stembureau(round_id=round_.id, name="Buurthuis", address="Plein 1")
        session.add(station)
        session.commit()
        question_id = ballots.ballot_questions(session, round_)[0].question.id
        for answer in ([ids["Bankjes"]], [ids["Lantaarns"]], [ids["Bankjes"], ids["Speeltuin"]]):
            paper.record_paper_ballot(session, round_, station, {question_id: answer}, None)
        paper.set_issued(session, round_, station, 4, None)
    return setup


def test_turnout_counts_online_and_paper_ballots_and_codes(app, busy_round) -> None:
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        found = turnout.round_turnout(session, session.get(Round, busy_round["round_id"]))
    assert (found.online, found.paper_ballots, found.ballots) == (2, 3, 5)
    assert (found.codes_issued, found.codes_used, found.paper_issued) == (8, 2, 4)
    assert found.codes_used_share == Decimal("0.25")
    assert found.inhabitants_share == Decimal("0.002")  # 5 of 2,500


def test_share_of_nothing_is_unknown() -> None:
    assert turnout.share(3, 0) is None
    assert turnout.share(1, 3) == Decimal("0.3333")


@pytest.mark.parametrize("who", ["committee-A2", "official-A", "admin"])
def test_wijk_team_sees_turnout_but_no_results(app, client, auth, busy_round, who) -> None:
    auth.login(who)
    response = client.get(f"/rounds/{busy_round['round_id']}/opkomst")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<dd id="ballots"><strong>5</strong></dd>' in text
    assert '<dd id="codes-used">2 (25,0%)</dd>' in text
    assert "0,2%" in text  # 5 of 2,500 inhabitants
    # Numbers of ballots only: no initiative, no score, no ranking before the count.
    assert not [title for title in INITIATIVES if title in text]
    assert "punten" not in text.lower() and "uitslag" not in text.lower()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("who", "status"), [("committee-A1", 403), ("official-B", 403),
                                             ("anonymous", 302)])
def test_others_do_not_see_turnout(app, client, auth, world, who, status) -> None:
    if who != "anonymous":
        auth.login(who)
    response = client.get(f"/rounds/{world['round_A2']}/opkomst")
    assert response.status_code == status
    if status == 302:
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.sqlite_only
def test_no_result_anywhere_while_voting(app, client, auth, busy_round) -> None:
    round_id = busy_round["round_id"]
    public = client.get(f"/ronde/{round_id}").get_data(as_text=True)
    assert "Stem nu" in public and 'href="/stemmen"' in public
    results = client.get(f"/ronde/{round_id}/uitslag")
    assert results.status_code in (200, 404)
    assert not [t for t in INITIATIVES if t in results.get_data(as_text=True)]
    auth.login("official-A")
    page = client.get(f"/official/rounds/{round_id}/papier").get_data(as_text=True)
    assert not [t for t in INITIATIVES if t in page]
    official = client.get(f"/official/rounds/{round_id}").get_data(as_text=True)
    for link in (f"/official/rounds/{round_id}/stemcodes", f"/official/rounds/{round_id}/papier",
                 f"/rounds/{round_id}/opkomst"):
        assert f'href="{link}"' in official


@pytest.mark.sqlite_only
def test_no_vote_link_outside_voting(client, world) -> None:
    assert "Stem nu" not in client.get(f"/ronde/{world['round_A1']}").get_data(as_text=True)
