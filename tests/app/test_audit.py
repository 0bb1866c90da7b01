"""The audit log: written with each change, filterable, append-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import AuditEvent, utcnow
from app.services import audit
from app.services.audit import AuditLogIsAppendOnly


def test_seeded_phase_moves_are_logged(db, world) -> None:
    moves = audit.query(db, round_id=world["round_A2"], action="round.phase")
    assert [(e.details["from"], e.details["to"]) for e in reversed(moves)] == [
        ("draft", "submission"), ("submission", "review"), ("review", "voting")]
    assert all(e.actor_id == world["account_admin"] for e in moves)


def test_query_filters_by_action_prefix_wijk_and_date(db, world) -> None:
    all_round = audit.query(db, action="round")
    assert {e.action.split(".")[0] for e in all_round} == {"round"}
    assert audit.query(db, wijk_ids=[world["wijk_B1"]], action="round.phase") == []
    assert audit.query(db, since=utcnow() + timedelta(days=1)) == []
    assert len(audit.query(db, until=utcnow() + timedelta(days=1))) == len(audit.query(db))
    assert "round.phase" in audit.actions(db)


def test_recorded_only_when_the_change_commits(db, world) -> None:
    before = len(audit.query(db))
    audit.record(db, "test.rolled_back", round_id=world["round_A1"])
    db.rollback()
    assert len(audit.query(db)) == before
    audit.record(db, "test.kept", round_id=world["round_A1"], details={"n": 1})
    db.commit()
    assert audit.query(db, action="test.kept")[0].details == {"n": 1}


@pytest.mark.parametrize("change", ["update", "delete"])
def test_events_cannot_be_changed_or_deleted(db, change: str) -> None:
    event = db.exec(select(AuditEvent)).first()
    if change == "update":
        event.action = "rewritten"
    else:
        db.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.commit()
