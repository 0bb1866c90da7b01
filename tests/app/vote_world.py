"""Helpers for the voting tests: a round open for voting with admitted initiatives and codes.

The conftest world's ``round_A2`` is in its voting phase (fixed budget EUR 5.000,
one Wijktop-3 ranked question). ``open_round`` adds four admitted initiatives and,
on request, one question of every other kind.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlmodel import Session, select

from app.db import EXTENSION
from app.models import Ballot, CostLine, Initiative, Question, Round, Stemcode
from app.services import stemcodes

# title -> (cost in cents, co-financing in cents)
INITIATIVES = {
    "Speeltuin": (300_000, 0),
    "Bankjes": (200_000, 0),
    "Muurschildering": (400_000, 80_000),  # municipal share 320_000
    "Lantaarns": (100_000, 0),
}
CODE_PATTERN = re.compile(r"\b[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\b")


def open_round(app: Flask, world: dict[str, int], every_kind: bool = False) -> dict[str, Any]:
    """Makes round A2 ready to vote; returns its id, question ids by kind, initiative ids."""
    round_id = world["round_A2"]
    with Session(app.extensions[EXTENSION]) as session:
        ids = {}
        for title, (cost, cofinancing) in INITIATIVES.items():
            item = Initiative(round_id=round_id, title=title, description="...",
                              status="admitted", cofinancing_cents=cofinancing)
            session.add(item)
            session.flush()
            session.add(CostLine(initiative_id=item.id, description="kosten", amount_cents=cost))
            ids[title] = item.id
        # A submitted (not admitted) initiative must not become an option.
        session.add(Initiative(round_id=round_id, title="Niet toegelaten", description="...",
                               status="not_admitted"))
        if every_kind:
            session.add_all([
                Question(round_id=round_id, position=2, kind="approval", max_choices=2,
                         rule="greedy", text="Welke twee?"),
                Question(round_id=round_id, position=3, kind="knapsack", rule="greedy",
                         text="Binnen het budget?"),
                Question(round_id=round_id, position=4, kind="points", points_total=10,
                         rule="greedy", text="Verdeel tien punten"),
                Question(round_id=round_id, position=5, kind="yesno", rule="majority",
                         text="Autovrij plein?"),
            ])
        session.commit()
        questions = {q.kind: q.id for q in session.exec(
            select(Question).where(Question.round_id == round_id))}
    return {"round_id": round_id, "questions": questions, "initiatives": ids}


def issue_codes(app: Flask, round_id: int, n: int = 1) -> list[str]:
    """``n`` fresh codes for a round, issued through the service."""
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        return stemcodes.issue_stemcodes(session, session.get(Round, round_id), n, None)


def set_round(app: Flask, round_id: int, **values: Any) -> None:
    """Changes a round's columns directly (phase, voting dates)."""
    with Session(app.extensions[EXTENSION]) as session:
        found = session.get(Round, round_id)
        for name, value in values.items():
            setattr(found, name, value)
        session.add(found)
        session.commit()


def ballots_and_codes(app: Flask, round_id: int) -> tuple[list[Ballot], list[Stemcode]]:
    """Every ballot and every stemcode of a round."""
    with Session(app.extensions[EXTENSION]) as session:
        return (list(session.exec(select(Ballot).where(Ballot.round_id == round_id))),
                list(session.exec(select(Stemcode).where(Stemcode.round_id == round_id))))
