"""Counts: the stored result of tallying one question of a round, and its four-eyes steps."""

from datetime import datetime

from sqlalchemy import LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

COUNT_STATUSES = ("computed", "confirmed", "published")


class QuestionCount(SQLModel, table=True):
    """The count of one question: the anonymised ballot file, the rule, the seed, the result.

    ``ballots_file`` holds the exact bytes of the published ballot file
    (``.pb``, ``.blt`` or ``.csv``; ``ballots_name`` is its download name), and
    ``result_json`` the canonical JSON that ``wijkstem tally FILE --rule RULE
    --seed SEED --json`` prints for it. ``labels_json`` maps the option labels
    in the file to initiative ids (``{"12": 12}`` for ``.pb``), so the results
    page can show titles, and ``explanation_json`` a budget count's steps and why each
    project that was not funded was left out, in Dutch and English. ``total_ballots``
    is the round's ballots when counted, ``n_ballots`` those in the file (blank answers
    to this question left out).
    Steps: ``computed`` by one official, ``confirmed`` by
    a different one, ``published`` with the round. Counts are not ballots, so
    they carry timestamps.
    """

    __tablename__ = "question_count"
    __table_args__ = (UniqueConstraint("round_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    question_id: int = Field(foreign_key="question.id")
    rule: str = Field(max_length=30)
    seed: str = Field(max_length=64)
    ballots_name: str = Field(max_length=100)
    ballots_file: bytes = Field(sa_type=LargeBinary)
    ballots_sha256: str = Field(max_length=64)
    total_ballots: int = Field(default=0)
    n_ballots: int = Field(default=0)
    labels_json: str = Field(sa_type=Text)
    result_json: str = Field(sa_type=Text)
    # A budget count's steps, and why each project that was not funded was left out,
    # said in each language when it was counted (``{"nl": {"steps": [sentence, ...],
    # "reasons": {label: sentence}}, "en": {...}}``); the result JSON keeps the English.
    explanation_json: str = Field(default="{}", sa_type=Text,
                                  sa_column_kwargs={"server_default": "{}"})
    status: str = Field(default="computed", max_length=20)
    counted_by: int = Field(foreign_key="account.id")
    counted_at: datetime
    confirmed_by: int | None = Field(default=None, foreign_key="account.id")
    confirmed_at: datetime | None = None
    published_by: int | None = Field(default=None, foreign_key="account.id")
    published_at: datetime | None = None
