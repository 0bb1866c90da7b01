"""Reviews by the gebiedsteam: criteria, public values, decision level and the decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from app.models import Initiative, Review, Round, Wijk
from app.services import audit
from app.services.errors import MESSAGES, ServiceError
from app.services.initiatives import totals

# Initiatives are reviewed while they come in and in the review phase; once voting
# starts the ballot options are fixed.
REVIEW_PHASES = ("submission", "review")
# Phases in which a round needs an official: reviews, stemcodes, paper ballots, the count.
WORK_PHASES = ("submission", "review", "voting", "counting")
DECISIONS = ("admitted", "not_admitted")
CRITERIA = ("support_shown", "stakeholders_consulted", "fits_needs", "adds_value",
            "incidental_only", "no_commercial_interest")
PUBLIC_VALUES = ("legitimacy", "involvement", "return_value")
NOTE_OF = {"legitimacy": "legitimacy_note", "involvement": "involvement_note",
           "return_value": "return_note"}
# Zutphen practice: (level, highest amount in cents it decides on); above the last: college.
DEFAULT_THRESHOLDS: tuple[tuple[str, int], ...] = (("team", 10_000_00), ("alderman", 50_000_00))
LAST_LEVEL = "college"

MESSAGES.update({
    "review_closed": _l("Initiatives can only be reviewed while the round takes submissions "
                        "or is in review."),
    "bad_decision": _l("Choose admitted or not admitted."),
    "reason_missing": _l("Give the reason for the decision; the initiators will read it."),
    "bad_score": _l("A score runs from 1 to 5."),
})


@dataclass(frozen=True)
class ReviewInput:
    """What the official filled in; ``scores`` and ``notes`` are keyed by ``PUBLIC_VALUES``."""

    criteria: dict[str, bool]
    scores: dict[str, int | None]
    notes: dict[str, str]
    decision: str
    reason: str


def requested_cents(total_cents: int, cofinancing_cents: int) -> int:
    """The part of the cost asked from the wijk budget (co-financing comes from elsewhere)."""
    return max(total_cents - cofinancing_cents, 0)


def decision_level(amount_cents: int,
                   thresholds: Sequence[tuple[str, int]] = DEFAULT_THRESHOLDS) -> str:
    """Who decides on an amount.

    Args:
        amount_cents: the amount asked from the budget.
        thresholds: (level, highest amount) pairs in rising order; above the last
            one the college decides.

    Returns:
        ``"team"`` (residents, official and team lead), ``"alderman"`` or ``"college"``,
        e.g. ``decision_level(10_000_00) == "team"`` and ``decision_level(10_000_01)
        == "alderman"``.
    """
    for level, highest in thresholds:
        if amount_cents <= highest:
            return level
    return LAST_LEVEL


def thresholds_from_config(config: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    """The thresholds in app config ``DECISION_LEVEL_THRESHOLDS``, else the defaults."""
    return tuple(tuple(pair) for pair in config.get("DECISION_LEVEL_THRESHOLDS",
                                                    DEFAULT_THRESHOLDS))


def level_of(session: Session, initiative: Initiative,
             thresholds: Sequence[tuple[str, int]] = DEFAULT_THRESHOLDS) -> tuple[int, str]:
    """The amount asked by an initiative and the level that decides on it."""
    total = totals(session, [initiative.id])[initiative.id]
    amount = requested_cents(total, initiative.cofinancing_cents)
    return amount, decision_level(amount, thresholds)


def _check(values: ReviewInput) -> None:
    """Raises when decision, reason or scores are missing or out of range."""
    if values.decision not in DECISIONS:
        raise ServiceError("bad_decision")
    if not values.reason.strip():
        raise ServiceError("reason_missing")
    if any(score is not None and not 1 <= score <= 5 for score in values.scores.values()):
        raise ServiceError("bad_score")


def record_review(session: Session, initiative: Initiative, values: ReviewInput, *,
                  actor_id: int | None,
                  thresholds: Sequence[tuple[str, int]] = DEFAULT_THRESHOLDS) -> Review:
    """Stores a review, sets the initiative's status to its decision and logs it.

    An admitted initiative becomes an option of the round's ballot: the ballot of a
    round is its admitted initiatives (``ballot_options``). A later review replaces
    the decision while the round is still in ``REVIEW_PHASES``.

    Args:
        session: a database session.
        initiative: the initiative under review.
        values: the official's input.
        actor_id: the official (or admin).
        thresholds: decision-level thresholds from the app config.

    Returns:
        The review, e.g. ``record_review(s, ini, ReviewInput({...}, {...}, {...},
        "admitted", "Past goed bij de wijk."), actor_id=3)``.

    Raises:
        ServiceError: ``review_closed``, ``bad_decision``, ``reason_missing``, ``bad_score``.
    """
    round_ = session.get(Round, initiative.round_id)
    if round_.phase not in REVIEW_PHASES:
        raise ServiceError("review_closed")
    _check(values)
    amount, level = level_of(session, initiative, thresholds)
    review = Review(initiative_id=initiative.id, decision=values.decision,
                    reason=values.reason.strip(), decision_level=level, reviewer_id=actor_id,
                    **{name: bool(values.criteria.get(name)) for name in CRITERIA},
                    **{name: values.scores.get(name) for name in PUBLIC_VALUES},
                    **{NOTE_OF[name]: values.notes.get(name, "").strip()
                       for name in PUBLIC_VALUES})
    previous = initiative.status
    initiative.status = values.decision
    session.add_all([review, initiative])
    session.flush()
    audit.record(session, "review.decision", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id,
                 details={"initiative": initiative.id, "title": initiative.title,
                          "review": review.id, "from": previous, "to": values.decision,
                          "decision_level": level, "requested_cents": amount,
                          "reason": review.reason})
    session.commit()
    return review


def reviews_of(session: Session, initiative_id: int) -> list[Review]:
    """Every review of an initiative, newest first."""
    return list(session.exec(select(Review).where(Review.initiative_id == initiative_id)
                             .order_by(Review.at.desc(), Review.id.desc())))


def wijk_ids_in_scope(session: Session, account: Any) -> list[int] | None:
    """The wijken an official works in (their stadsdeel); None for an admin (all)."""
    if account.role == "admin":
        return None
    return list(session.exec(select(Wijk.id).where(Wijk.stadsdeel_id == account.stadsdeel_id)))


def rounds_at_work(session: Session, wijk_ids: Sequence[int] | None) -> list[Round]:
    """Rounds from submission to counting in these wijken (all when None), newest first."""
    statement = select(Round).where(Round.phase.in_(WORK_PHASES))
    if wijk_ids is not None:
        statement = statement.where(Round.wijk_id.in_(list(wijk_ids)))
    return list(session.exec(statement.order_by(Round.id.desc())))


def ballot_options(session: Session, round_id: int) -> list[Initiative]:
    """The admitted initiatives of a round: the options on its ballot (for part 2)."""
    return list(session.exec(select(Initiative).where(Initiative.round_id == round_id,
                                                      Initiative.status == "admitted")
                             .order_by(Initiative.id)))
