"""The append-only audit log: record events in the caller's transaction, read them back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from app.models import AuditEvent

# What each recorded action means, for pages that show a round's history to people.
ACTION_LABELS = {
    "account.created": _l("Account created"),
    "account.updated": _l("Account changed"),
    "count.computed": _l("Result computed"),
    "count.confirmed": _l("Result confirmed by a second official"),
    "count.discarded": _l("Result discarded"),
    "count.published": _l("Result published"),
    "initiative.submitted": _l("Initiative submitted"),
    "paper.batch": _l("CSV file of paper ballots recorded"),
    "paper.cleared": _l("Paper answers to a question removed at a stembureau, to record them "
                        "again"),
    "paper.issued": _l("Paper ballots issued at a stembureau"),
    "paper.recorded": _l("Paper ballot recorded"),
    "paper.withdrawn": _l("Paper ballot recorded by mistake withdrawn"),
    "review.decision": _l("Review decision recorded"),
    "round.created": _l("Round created"),
    "round.phase": _l("Phase changed"),
    "round.question": _l("Question saved"),
    "round.question_deleted": _l("Question deleted"),
    "round.stembureau": _l("Stembureau saved"),
    "round.stembureau_deleted": _l("Stembureau deleted"),
    "round.updated": _l("Round settings changed"),
    "stadsdeel.saved": _l("Stadsdeel saved"),
    "stemcodes.issued": _l("Voting codes issued"),
    "wijk.saved": _l("Wijk saved"),
    "wijken.imported": _l("Wijken imported"),
}


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a recorded audit event."""


@event.listens_for(OrmSession, "before_flush")
def _refuse_changes(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Guards the log in every session: audit rows are inserted, never updated or deleted."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    round_id: int | None = None,
    wijk_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Adds an event to ``session``; it is stored when the caller commits its change.

    Args:
        session: the session holding the change being logged.
        action: dotted name, e.g. ``"round.phase"`` or ``"review.decision"``.
        actor_id: the account that acted (None for residents and the system).
        round_id: the round concerned, if any.
        wijk_id: the wijk concerned, if any.
        details: JSON-safe facts, e.g. ``{"from": "draft", "to": "submission"}``.

    Returns:
        The pending event, e.g. ``record(s, "round.created", actor_id=1, round_id=4)``.
    """
    entry = AuditEvent(action=action, actor_id=actor_id, round_id=round_id, wijk_id=wijk_id,
                       details=dict(details or {}))
    session.add(entry)
    return entry


def query(
    session: Session,
    *,
    round_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    wijk_ids: Sequence[int] | None = None,
    limit: int = 500,
) -> list[AuditEvent]:
    """Events matching every given filter, newest first.

    Args:
        session: a database session.
        round_id: only this round's events.
        action: only this action, or actions starting with it plus a dot
            (``"round"`` matches ``"round.phase"``).
        since: events at or after this moment.
        until: events before this moment.
        wijk_ids: only events of these wijken (an official's stadsdeel).
        limit: at most this many events.

    Returns:
        The events, e.g. ``query(s, round_id=4, action="round.phase")``.
    """
    statement = select(AuditEvent)
    if round_id is not None:
        statement = statement.where(AuditEvent.round_id == round_id)
    if action:
        statement = statement.where(
            (AuditEvent.action == action) | AuditEvent.action.startswith(action + ".")
        )
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    if until is not None:
        statement = statement.where(AuditEvent.at < until)
    if wijk_ids is not None:
        statement = statement.where(AuditEvent.wijk_id.in_(list(wijk_ids)))
    statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(session.exec(statement))


def actions(session: Session) -> list[str]:
    """Every action name in the log, sorted (for a filter menu)."""
    return sorted(session.exec(select(AuditEvent.action).distinct()))
