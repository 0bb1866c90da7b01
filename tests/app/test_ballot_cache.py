"""The ballot reused during voting (``ballots.ballot_questions``) behaves as one read fresh."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from app.db import EXTENSION
from app.models import Initiative, Round, Wijk
from app.services import ballots
from tests.app.conftest import csrf_token, page_text
from tests.app.vote_world import issue_codes, open_round, set_round


def enter(client, code: str) -> None:
    """Enters a code (the session then holds it)."""
    response = client.post("/stemmen", data={"code": code,
                                             "csrf_token": csrf_token(client, "/stemmen")})
    assert response.status_code == 302


def test_ballot_after_casts_and_a_budget_change(app: Flask, world: dict[str, int]) -> None:
    vote = open_round(app, world, every_kind=True)
    # Budget from the rate: EUR 3 x 2,500 inhabitants of wijk A2 = EUR 7.500.
    set_round(app, vote["round_id"], budget_fixed_cents=None, budget_rate_cents=300)
    codes = issue_codes(app, vote["round_id"], 3)
    ids = vote["initiatives"]
    q = vote["questions"]
    form = {f"q{q['ranked']}_1": str(ids["Bankjes"]), f"q{q['approval']}": str(ids["Bankjes"]),
            f"q{q['knapsack']}": str(ids["Bankjes"]), f"q{q['points']}_{ids['Bankjes']}": "10",
            f"q{q['yesno']}": "yes"}
    for code in codes[:2]:  # a cast commits in between: the reused ballot must survive it
        client = app.test_client()
        enter(client, code)
        page = page_text(client.get("/stemmen/stembiljet"))
        assert "7.500,00" in page and "Lantaarns" in page
        token = csrf_token(client, "/stemmen/stembiljet")
        app.extensions[ballots.CACHE].clear()  # the cast itself reads the ballot and commits
        response = client.post("/stemmen/uitbrengen", data={**form, "csrf_token": token})
        assert response.status_code == 302
    # An administrator corrects the inhabitants: the knapsack limit follows at once.
    with Session(app.extensions[EXTENSION]) as session:
        wijk = session.get(Wijk, world["wijk_A2"])
        wijk.inhabitants = 1000
        session.add(wijk)
        session.commit()
    client = app.test_client()
    enter(client, codes[2])
    page = page_text(client.get("/stemmen/stembiljet"))
    assert "3.000,00" in page and "7.500,00" not in page
    # EUR 3.000 + 2.000 fitted the old budget; the knapsack check now refuses it.
    over = {**form, f"q{q['knapsack']}": [str(ids["Speeltuin"]), str(ids["Bankjes"])]}
    token = csrf_token(client, "/stemmen/stembiljet")
    response = client.post("/stemmen/stembiljet", data={**over, "csrf_token": token})
    assert response.status_code == 400 and "Te duur" in page_text(response)


def test_ballot_outside_voting_is_read_fresh(app: Flask, world: dict[str, int]) -> None:
    vote = open_round(app, world)
    set_round(app, vote["round_id"], phase="counting")  # e.g. paper ballots entered now
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        round_ = session.get(Round, vote["round_id"])
        before = ballots.ballot_questions(session, round_)
        session.add(Initiative(round_id=round_.id, title="Nieuw", description="...",
                               status="admitted"))
        session.commit()
        after = ballots.ballot_questions(session, round_)
    assert len(after[0].options) == len(before[0].options) + 1
