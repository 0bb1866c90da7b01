"""Rounds (Wijktop-3, wijkstemdag), their ballot questions and polling stations."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.time import utcnow

ROUND_KINDS = ("wijktop3", "wijkstemdag")
PHASES = ("draft", "submission", "review", "voting", "counting", "published", "archived")
QUESTION_KINDS = ("ranked", "approval", "knapsack", "points", "yesno")


class Round(SQLModel, table=True):
    """One round in one wijk, moving forward through ``PHASES``.

    The budget is ``budget_rate_cents`` per inhabitant of the wijk (the rounds
    service fills in 300), unless ``budget_fixed_cents`` is set, which then wins.
    Phase dates are the first day of each phase; voting runs from
    ``voting_start`` to ``voting_end``.
    """

    id: int | None = Field(default=None, primary_key=True)
    wijk_id: int = Field(foreign_key="wijk.id", index=True)
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    phase: str = Field(default="draft", max_length=20)
    submission_start: date | None = None
    review_start: date | None = None
    voting_start: date | None = None
    voting_end: date | None = None
    counting_start: date | None = None
    budget_rate_cents: int | None = Field(default=None, sa_type=BigInteger)
    budget_fixed_cents: int | None = Field(default=None, sa_type=BigInteger)
    min_age_text: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Question(SQLModel, table=True):
    """A question on the round's ballot, with its kind and the tally rule from ``voting/``.

    ``max_choices`` is k for ranked (top-k) and approval questions;
    ``points_total`` is N for points (cumulative) questions.
    """

    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    position: int = Field(default=1)
    kind: str = Field(max_length=20)
    max_choices: int | None = None
    points_total: int | None = None
    rule: str = Field(max_length=30)
    text: str = Field(sa_type=Text)


class Stembureau(SQLModel, table=True):
    """A polling station of a wijkstemdag."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    opening_hours: str = Field(default="", max_length=300)
