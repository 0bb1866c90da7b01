"""A Wijktop-3 round ready to count: eight admitted initiatives and ballots stored directly.

Round A1 of the conftest world (wijk A1, 1,000 inhabitants at EUR 3: a budget of
EUR 3,000) gets eight admitted initiatives and is moved to its counting phase;
ballots go in through the ``Ballot`` model in its documented answers format
(``{"<question id>": [initiative ids, best first]}``). A second official of
stadsdeel A is added for the four-eyes step. The expected outcome is computed
here by hand (3-2-1 points, then fund in that order what still fits), not by
``voting/``.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

from flask import Flask
from sqlmodel import Session

from app.db import EXTENSION
from app.models import Ballot, CostLine, Initiative, Round
from app.services import accounts, rounds
from tests.app.conftest import PASSWORD

BUDGET = 300_000  # 1,000 inhabitants x 300 cents
# title -> (total cost, co-financing), in cents
INITIATIVES = {
    "Speeltuin Zuid": (120_000, 0),
    "Bankjes langs de vaart": (90_000, 0),
    "Muurschildering": (100_000, 20_000),  # municipal share 80,000
    "Geveltuinen": (60_000, 0),
    "Buurtfeest": (150_000, 0),
    "Jeu-de-boulesbaan": (40_000, 0),
    "Kunst in de wijk": (30_000, 0),
    "Hondenveldje": (200_000, 0),
}
# (ranking by title index, number of voters): gives every initiative a distinct total
PATTERNS = [((0, 1, 2), 9), ((1, 0, 3), 7), ((2, 4, 0), 6), ((3, 2, 1), 5), ((4, 7, 5), 4),
            ((7, 4, 6), 3), ((5, 6), 2), ((6,), 1), ((2, 3, 5), 4), ((1, 3), 3)]


def add_second_official(app: Flask, world: dict[str, int]) -> int:
    """Adds official-A2 (stadsdeel A) and returns its id."""
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        account = accounts.create_account(
            session, username="official-A2", name="Tweede Ambtenaar", role="official",
            password=PASSWORD, stadsdeel_id=world["stadsdeel_A"])
        return account.id


def counting_round(app: Flask, world: dict[str, int], *,
                   patterns: list[tuple[tuple[int, ...], int]] = PATTERNS) -> dict[str, Any]:
    """Round A1 with eight admitted initiatives, the ballots of ``patterns``, in counting."""
    round_id, question_id = world["round_A1"], world["question_A1"]
    ballots = [list(order) for order, voters in patterns for _ in range(voters)]
    random.Random(4).shuffle(ballots)  # stored in no particular order
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        ids = []
        for title, (cost, cofinancing) in INITIATIVES.items():
            item = Initiative(round_id=round_id, title=title, description="...",
                              status="admitted", cofinancing_cents=cofinancing)
            session.add(item)
            session.flush()
            session.add(CostLine(initiative_id=item.id, description="kosten", amount_cents=cost))
            ids.append(item.id)
        for order in ballots:
            session.add(Ballot(round_id=round_id, channel="online",
                               answers=json.dumps({str(question_id): [ids[i] for i in order]})))
        session.commit()
        round_ = session.get(Round, round_id)
        for phase in ("review", "voting", "counting"):
            rounds.advance_phase(session, round_, phase, actor_id=world["account_admin"])
    return {"round_id": round_id, "question_id": question_id, "ids": ids,
            "ballots": len(ballots),
            "expected": expected_outcome(patterns) if patterns else None}


def expected_outcome(patterns: list[tuple[tuple[int, ...], int]]) -> dict[str, Any]:
    """Wijktop-3 by hand: 3-2-1 points per ballot, then greedy funding within the budget."""
    points: Counter[int] = Counter()
    for order, voters in patterns:
        for place, index in enumerate(order):
            points[index] += (3 - place) * voters
    totals = [points[i] for i in range(len(INITIATIVES))]
    assert len(set(totals)) == len(totals), "the test needs distinct totals (no lottery)"
    ranking = sorted(range(len(INITIATIVES)), key=lambda i: -totals[i])
    titles = list(INITIATIVES)
    left, funded, left_at_turn = BUDGET, [], {}
    for index in ranking:
        cost, cofinancing = INITIATIVES[titles[index]]
        left_at_turn[titles[index]] = left
        if cost - cofinancing <= left:
            left -= cost - cofinancing
            funded.append(titles[index])
    return {"points": {titles[i]: totals[i] for i in range(len(titles))},
            "ranking": [titles[i] for i in ranking], "funded": funded, "remaining": left,
            "left_at_turn": left_at_turn}
