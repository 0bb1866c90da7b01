"""Initiatives with their costs, initiators, supporters and reviews."""

from datetime import datetime

from sqlalchemy import BigInteger, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.time import utcnow

INITIATIVE_STATUSES = ("submitted", "admitted", "not_admitted")


class Initiative(SQLModel, table=True):
    """A residents' proposal in a round; admitted ones become ballot options.

    The cost is the sum of its ``CostLine`` amounts; ``cofinancing_cents`` is
    raised elsewhere and does not count against the wijk budget.
    """

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(sa_type=Text)
    location: str = Field(default="", max_length=300)
    status: str = Field(default="submitted", max_length=20, index=True)
    cofinancing_cents: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow)


class CostLine(SQLModel, table=True):
    """One line of an initiative's cost breakdown."""

    __tablename__ = "cost_line"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    description: str = Field(max_length=300)
    amount_cents: int = Field(sa_type=BigInteger)


class Initiator(SQLModel, table=True):
    """A resident behind an initiative; contact details are for officials only."""

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    name: str = Field(max_length=120)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)


class Support(SQLModel, table=True):
    """One resident's support (draagvlak) for an initiative.

    ``contact_hash`` is a keyed hash of the normalised e-mail address or phone
    number, unique per initiative so that a person supports it once;
    ``token_hash`` is the hash of the confirmation token sent to that contact.
    """

    __table_args__ = (UniqueConstraint("initiative_id", "contact_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    contact_hash: str = Field(max_length=128)
    confirmed: bool = Field(default=False)
    token_hash: str = Field(max_length=128, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None


class Review(SQLModel, table=True):
    """An official's review of an initiative: criteria, public values and decision.

    Criteria follow DESIGN.md (Groningen practice). Public values are scored 1-5
    with an optional note. ``decision_level`` is who decides at this amount
    (``team``, ``alderman``, ``college``); ``decision`` is ``admitted`` or
    ``not_admitted`` and ``reason`` is shown to the initiators.
    """

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    support_shown: bool = False
    stakeholders_consulted: bool = False
    fits_needs: bool = False
    adds_value: bool = False
    incidental_only: bool = False
    no_commercial_interest: bool = False
    legitimacy: int | None = None
    legitimacy_note: str = Field(default="", sa_type=Text)
    involvement: int | None = None
    involvement_note: str = Field(default="", sa_type=Text)
    return_value: int | None = None
    return_note: str = Field(default="", sa_type=Text)
    decision_level: str = Field(max_length=20)
    decision: str = Field(max_length=20)
    reason: str = Field(sa_type=Text)
    reviewer_id: int | None = Field(default=None, foreign_key="account.id")
    at: datetime = Field(default_factory=utcnow)
