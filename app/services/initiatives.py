"""Initiatives: residents submit them during a round's submission phase; everyone browses them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlmodel import Session, select

from app.models import CostLine, Initiative, Initiator, Review, Round
from app.services import audit
from app.services.errors import MESSAGES, ServiceError

SUBMISSION_PHASE = "submission"
MAX_LINE_CENTS = 1_000_000_00
MAX_TOTAL_CENTS = 1_000_000_00
MIN_INITIATORS = 2

MESSAGES.update({
    "submission_closed": _l("Initiatives can only be submitted while the round takes "
                            "submissions."),
    "needs_cost_line": _l("Give at least one cost line."),
    "bad_cost": _l("Every cost must be more than EUR 0 and at most EUR 1,000,000."),
    "total_too_large": _l("The total cost may be at most EUR 1,000,000."),
    "cofinancing_too_large": _l("The co-financing cannot be more than the total cost."),
    "needs_initiators": _l("An initiative needs at least two initiators, each with a name and "
                           "an e-mail address or phone number."),
    "round_not_public": _l("This round is not open to the public yet."),
})


@dataclass(frozen=True)
class InitiatorDraft:
    """A co-initiator as typed: name and at least one way to reach them."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class InitiativeDraft:
    """A new initiative as typed in the submission form; amounts in cents."""

    title: str
    description: str
    location: str = ""
    cost_lines: tuple[tuple[str, int], ...] = ()
    cofinancing_cents: int = 0
    initiators: tuple[InitiatorDraft, ...] = field(default_factory=tuple)

    @property
    def total_cents(self) -> int:
        """Sum of the cost lines."""
        return sum(amount for _description, amount in self.cost_lines)


def check_draft(draft: InitiativeDraft) -> None:
    """Raises ``ServiceError`` when costs or initiators break the rules.

    Args:
        draft: the initiative.

    Returns:
        None; e.g. a draft with one initiator raises ``needs_initiators``.
    """
    if not draft.cost_lines:
        raise ServiceError("needs_cost_line")
    if any(not 0 < amount <= MAX_LINE_CENTS for _d, amount in draft.cost_lines):
        raise ServiceError("bad_cost")
    if draft.total_cents > MAX_TOTAL_CENTS:
        raise ServiceError("total_too_large")
    if not 0 <= draft.cofinancing_cents <= draft.total_cents:
        raise ServiceError("cofinancing_too_large")
    reachable = [i for i in draft.initiators if i.name.strip() and (i.email or i.phone)]
    if len(reachable) < MIN_INITIATORS or len(reachable) != len(draft.initiators):
        raise ServiceError("needs_initiators")


def submit_initiative(session: Session, round_: Round, draft: InitiativeDraft) -> Initiative:
    """Stores a resident's initiative with its costs and initiators, and logs it.

    Args:
        session: a database session.
        round_: a round in its submission phase.
        draft: the checked form data.

    Returns:
        The submitted initiative, e.g. ``submit_initiative(s, r, InitiativeDraft("Bankjes",
        "Drie bankjes", cost_lines=(("Bankjes", 90000),), initiators=(a, b)))``.

    Raises:
        ServiceError: ``submission_closed`` outside the submission phase, or a rule
            of ``check_draft``.
    """
    if round_.phase != SUBMISSION_PHASE:
        raise ServiceError("submission_closed")
    check_draft(draft)
    initiative = Initiative(round_id=round_.id, title=draft.title.strip(),
                            description=draft.description.strip(),
                            location=draft.location.strip(), status="submitted",
                            cofinancing_cents=draft.cofinancing_cents)
    session.add(initiative)
    session.flush()
    session.add_all(CostLine(initiative_id=initiative.id, description=description.strip(),
                             amount_cents=amount) for description, amount in draft.cost_lines)
    session.add_all(Initiator(initiative_id=initiative.id, name=i.name.strip(),
                              email=i.email.strip(), phone=i.phone.strip())
                    for i in draft.initiators)
    # No personal data in the log: the initiators stay in their own table.
    audit.record(session, "initiative.submitted", round_id=round_.id, wijk_id=round_.wijk_id,
                 details={"initiative": initiative.id, "title": initiative.title,
                          "total_cents": draft.total_cents,
                          "cofinancing_cents": draft.cofinancing_cents})
    session.commit()
    return initiative


def public_rounds(session: Session, wijk_id: int) -> list[Round]:
    """A wijk's rounds that residents may see (all but drafts), newest first."""
    return list(session.exec(select(Round).where(Round.wijk_id == wijk_id,
                                                 Round.phase != "draft")
                             .order_by(Round.id.desc())))


def is_public(round_: Round) -> bool:
    """True once a round has left its draft phase."""
    return round_.phase != "draft"


def _like(text: str) -> str:
    """A LIKE pattern that finds ``text`` literally anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def initiatives_of(session: Session, round_id: int, *, search: str = "",
                   status: str = "") -> list[Initiative]:
    """A round's initiatives, optionally matching ``search`` in title or description.

    Args:
        session: a database session.
        round_id: the round.
        search: words to find (case-insensitive, literally).
        status: only this status (``submitted``, ``admitted``, ``not_admitted``).

    Returns:
        Initiatives by title, e.g. ``initiatives_of(s, 4, search="speeltuin")``.
    """
    statement = select(Initiative).where(Initiative.round_id == round_id)
    if search.strip():
        pattern = _like(search.strip())
        statement = statement.where(or_(Initiative.title.ilike(pattern, escape="\\"),
                                        Initiative.description.ilike(pattern, escape="\\")))
    if status:
        statement = statement.where(Initiative.status == status)
    return list(session.exec(statement.order_by(Initiative.title, Initiative.id)))


def cost_lines(session: Session, initiative_id: int) -> list[CostLine]:
    """An initiative's cost lines in the order given."""
    return list(session.exec(select(CostLine).where(CostLine.initiative_id == initiative_id)
                             .order_by(CostLine.id)))


def initiators(session: Session, initiative_id: int) -> list[Initiator]:
    """An initiative's initiators (personal data: officials only)."""
    return list(session.exec(select(Initiator).where(Initiator.initiative_id == initiative_id)
                             .order_by(Initiator.id)))


def totals(session: Session, initiative_ids: Iterable[int]) -> dict[int, int]:
    """Total cost in cents per initiative."""
    ids = list(initiative_ids)
    result = dict.fromkeys(ids, 0)
    if ids:
        rows = session.exec(select(CostLine.initiative_id, func.sum(CostLine.amount_cents))
                            .where(CostLine.initiative_id.in_(ids))
                            .group_by(CostLine.initiative_id))
        result.update({initiative_id: int(total or 0) for initiative_id, total in rows})
    return result


def latest_review(session: Session, initiative_id: int) -> Review | None:
    """The most recent review of an initiative (its decision stands)."""
    return session.exec(select(Review).where(Review.initiative_id == initiative_id)
                        .order_by(Review.at.desc(), Review.id.desc())).first()
