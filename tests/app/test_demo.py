"""The demo world a newcomer sees after ./scripts/run."""

from __future__ import annotations

from sqlmodel import Session, select

from app import migrate
from app.db import EXTENSION
from app.models import Initiative, Question, Round, Stembureau, Wijk
from app.services import demo, rounds


def test_demo_has_three_wijken_and_two_ready_rounds(app, database, backend) -> None:
    # The fixture world is seeded; the demo goes into an empty copy of the schema.
    url = database[0]
    engine = app.extensions[EXTENSION]
    with Session(engine) as session:
        for table in ("support", "review", "initiator", "cost_line", "initiative", "question",
                      "stembureau", "audit_event", "round", "account", "wijk", "stadsdeel"):
            session.connection().exec_driver_sql(f"DELETE FROM {table}")
        session.commit()
    migrate.upgrade(url)
    with app.app_context(), Session(engine) as session:
        assert demo.seed_if_empty(session) is True
        assert demo.seed_if_empty(session) is False
        wijken = {w.name: w for w in session.exec(select(Wijk))}
        assert len(wijken) == 3 and all(w.inhabitants > 1000 for w in wijken.values())
        top3 = session.exec(select(Round).where(Round.kind == "wijktop3")).one()
        admitted = session.exec(select(Initiative).where(Initiative.round_id == top3.id,
                                                         Initiative.status == "admitted")).all()
        assert len(admitted) == 8 and top3.phase == "voting"
        # A stembureau, so that a newcomer can also try recording paper ballots.
        assert session.exec(select(Stembureau).where(Stembureau.round_id == top3.id)).all()
        lindenhof = session.get(Wijk, top3.wijk_id)
        assert rounds.budget_cents(top3, lindenhof) == 2_529_000  # EUR 3 x 8,430 inhabitants
        stemdag = session.exec(select(Round).where(Round.kind == "wijkstemdag")).one()
        assert len(session.exec(select(Question).where(Question.round_id == stemdag.id)).all()) == 2
        assert session.exec(select(Stembureau).where(Stembureau.round_id == stemdag.id)).all()
