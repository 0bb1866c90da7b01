"""Rounds: creation, configuration, budget and the forward-only phase machine."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from app.models import PHASES, ROUND_KINDS, Question, Round, Stembureau, Wijk
from app.services import audit, secrecy
from app.services.errors import ServiceError
from app.services.questions import default_rule, rule_fits
from voting.budget import budget_from_rate

DEFAULT_RATE_CENTS = 300
# Configuration may change until voting starts.
EDITABLE_PHASES = ("draft", "submission", "review")
# The committee closes voting; counting and publishing belong to officials (part 2).
COMMITTEE_LAST_PHASE = "counting"
ROUND_FIELDS = ("title", "kind", "submission_start", "review_start", "voting_start",
                "voting_end", "counting_start", "budget_rate_cents", "budget_fixed_cents",
                "min_age_text")
DATE_ORDER = ("submission_start", "review_start", "voting_start", "voting_end", "counting_start")


def budget_cents(round_: Round, wijk: Wijk) -> int:
    """The round's budget: the fixed amount, else rate x inhabitants of the wijk.

    Args:
        round_: the round.
        wijk: its wijk.

    Returns:
        Cents, e.g. 300 cents x 12,345 inhabitants gives 3,703,500.
    """
    if round_.budget_fixed_cents is not None:
        return round_.budget_fixed_cents
    return budget_from_rate(round_.budget_rate_cents or 0, wijk.inhabitants)


def is_frozen(round_: Round) -> bool:
    """True once voting has started: the configuration is then fixed."""
    return round_.phase not in EDITABLE_PHASES


def _check_values(values: dict[str, Any]) -> None:
    """Raises when kind, budget or dates of a round's settings do not fit together."""
    if values.get("kind") not in ROUND_KINDS:
        raise ServiceError("unknown_kind")
    rate, fixed = values.get("budget_rate_cents"), values.get("budget_fixed_cents")
    if (rate is None) == (fixed is None) or (rate or 0) < 0 or (fixed or 0) < 0:
        raise ServiceError("budget_choice")
    dates = [values.get(name) for name in DATE_ORDER]
    given = [d for d in dates if isinstance(d, date)]
    if given != sorted(given):
        raise ServiceError("dates_out_of_order")


def create_round(session: Session, wijk_id: int, values: dict[str, Any],
                 actor_id: int | None = None) -> Round:
    """Creates a draft round in a wijk; a Wijktop-3 gets its top-3 question.

    Args:
        session: a database session.
        wijk_id: the wijk.
        values: the ``ROUND_FIELDS`` (missing ones keep their defaults).
        actor_id: the committee member or admin.

    Returns:
        The round, e.g. ``create_round(s, 3, {"title": "Wijktop-3 2027", "kind": "wijktop3",
        "budget_rate_cents": 300})``.
    """
    if session.get(Wijk, wijk_id) is None:
        raise ServiceError("not_found")
    values = {"budget_rate_cents": DEFAULT_RATE_CENTS, **values}
    _check_values(values)
    round_ = Round(wijk_id=wijk_id, phase="draft")
    for name in ROUND_FIELDS:
        if name in values:
            setattr(round_, name, values[name])
    session.add(round_)
    session.flush()
    if round_.kind == "wijktop3":
        session.add(Question(round_id=round_.id, position=1, kind="ranked", max_choices=3,
                             rule="points", text="Welke drie initiatieven kiest u?"))
    audit.record(session, "round.created", actor_id=actor_id, round_id=round_.id,
                 wijk_id=wijk_id, details={"title": round_.title, "kind": round_.kind})
    session.commit()
    return round_


def update_round(session: Session, round_: Round, values: dict[str, Any],
                 actor_id: int | None = None) -> Round:
    """Changes a round's settings; refused once voting has started."""
    if is_frozen(round_):
        raise ServiceError("frozen")
    _check_values(values)
    changed = {}
    for name in ROUND_FIELDS:
        if name in values and getattr(round_, name) != values[name]:
            changed[name] = _plain(values[name])
            setattr(round_, name, values[name])
    session.add(round_)
    audit.record(session, "round.updated", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"changed": changed})
    session.commit()
    return round_


def _plain(value: Any) -> Any:
    """JSON-safe form of a setting (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def next_phases(round_: Round, last: str = COMMITTEE_LAST_PHASE) -> list[str]:
    """The phases a round may move to, up to and including ``last``."""
    here, stop = PHASES.index(round_.phase), PHASES.index(last)
    return list(PHASES[here + 1: stop + 1])


def advance_phase(session: Session, round_: Round, to_phase: str, actor_id: int | None = None,
                  last: str = COMMITTEE_LAST_PHASE) -> Round:
    """Moves a round forward to ``to_phase`` and logs the move.

    Args:
        session: a database session.
        round_: the round.
        to_phase: a later phase, at most ``last``.
        actor_id: who moves it.
        last: the latest phase this caller may set (officials pass ``"archived"``).

    Returns:
        The round, e.g. ``advance_phase(s, r, "submission")`` on a draft round.

    Raises:
        ServiceError: ``phase_backwards`` for the same or an earlier phase,
            ``phase_not_allowed`` beyond ``last``, ``needs_question`` when voting
            would start without questions.
    """
    if to_phase not in PHASES:
        raise ServiceError("phase_not_allowed")
    if PHASES.index(to_phase) <= PHASES.index(round_.phase):
        raise ServiceError("phase_backwards")
    if PHASES.index(to_phase) > PHASES.index(last):
        raise ServiceError("phase_not_allowed")
    if PHASES.index(to_phase) >= PHASES.index("voting") and not questions(session, round_.id):
        raise ServiceError("needs_question")
    audit.record(session, "round.phase", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"from": round_.phase, "to": to_phase})
    if round_.phase == "voting":
        secrecy.scrub_round(session, round_.id)  # no trace of the casting order is kept
    round_.phase = to_phase
    session.add(round_)
    session.commit()
    return round_


def rounds_of(session: Session, wijk_ids: list[int] | None = None) -> list[Round]:
    """Rounds of the given wijken (all when None), newest first."""
    statement = select(Round).order_by(Round.id.desc())
    if wijk_ids is not None:
        statement = statement.where(Round.wijk_id.in_(wijk_ids))
    return list(session.exec(statement))


def questions(session: Session, round_id: int) -> list[Question]:
    """A round's questions in ballot order."""
    return list(session.exec(
        select(Question).where(Question.round_id == round_id).order_by(Question.position)))


def stembureaus(session: Session, round_id: int) -> list[Stembureau]:
    """A round's polling stations by name."""
    return list(session.exec(
        select(Stembureau).where(Stembureau.round_id == round_id).order_by(Stembureau.name)))


def _check_question(values: dict[str, Any]) -> dict[str, Any]:
    """Question settings cleaned for its kind; raises when the rule does not fit."""
    kind = values.get("kind")
    rule = values.get("rule") or (default_rule(kind) if kind in ("points", "yesno") else None)
    if not rule or not rule_fits(kind, rule):
        raise ServiceError("rule_not_for_kind")
    max_choices = values.get("max_choices") if kind in ("ranked", "approval") else None
    points_total = values.get("points_total") if kind == "points" else None
    if kind in ("ranked", "approval") and not max_choices:
        raise ServiceError("needs_max_choices")
    if kind == "points" and not points_total:
        raise ServiceError("needs_points_total")
    return {"kind": kind, "rule": rule, "max_choices": max_choices,
            "points_total": points_total, "text": values.get("text", "").strip()}


def save_question(session: Session, round_: Round, values: dict[str, Any],
                  question: Question | None = None, actor_id: int | None = None) -> Question:
    """Adds a question at the end of the ballot, or changes ``question``."""
    if is_frozen(round_):
        raise ServiceError("frozen")
    cleaned = _check_question(values)
    if question is None:
        position = max((q.position for q in questions(session, round_.id)), default=0) + 1
        question = Question(round_id=round_.id, position=position, **cleaned)
    else:
        for name, value in cleaned.items():
            setattr(question, name, value)
    session.add(question)
    session.flush()
    audit.record(session, "round.question", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"question": question.id, **cleaned})
    session.commit()
    return question


def delete_question(session: Session, round_: Round, question: Question,
                    actor_id: int | None = None) -> None:
    """Removes a question from a round that is still editable."""
    if is_frozen(round_):
        raise ServiceError("frozen")
    audit.record(session, "round.question_deleted", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"question": question.id, "text": question.text})
    session.delete(question)
    session.commit()


def save_stembureau(session: Session, round_: Round, values: dict[str, Any],
                    stembureau: Stembureau | None = None,
                    actor_id: int | None = None) -> Stembureau:
    """Adds a polling station to a round, or changes ``stembureau``."""
    if is_frozen(round_):
        raise ServiceError("frozen")
    cleaned = {name: str(values.get(name, "")).strip()
               for name in ("name", "address", "opening_hours")}
    if stembureau is None:
        stembureau = Stembureau(round_id=round_.id, **cleaned)
    else:
        for name, value in cleaned.items():
            setattr(stembureau, name, value)
    session.add(stembureau)
    session.flush()
    audit.record(session, "round.stembureau", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"stembureau": stembureau.id, **cleaned})
    session.commit()
    return stembureau


def delete_stembureau(session: Session, round_: Round, stembureau: Stembureau,
                      actor_id: int | None = None) -> None:
    """Removes a polling station from a round that is still editable."""
    if is_frozen(round_):
        raise ServiceError("frozen")
    audit.record(session, "round.stembureau_deleted", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"stembureau": stembureau.id})
    session.delete(stembureau)
    session.commit()
