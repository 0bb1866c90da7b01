"""Paper voting: how many ballots each stembureau handed out, for the reconciliation."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.time import utcnow


class PaperIssued(SQLModel, table=True):
    """The number of ballots (uitgereikte stembiljetten) a stembureau issued.

    One row per stembureau, overwritten when the official corrects the number.
    It is compared with the paper ballots recorded for that stembureau; it holds
    a count only, nothing about any ballot, so it may carry a timestamp.
    """

    __tablename__ = "paper_issued"

    stembureau_id: int = Field(primary_key=True, foreign_key="stembureau.id")
    issued: int = Field(default=0)
    updated_by: int | None = Field(default=None, foreign_key="account.id")
    updated_at: datetime = Field(default_factory=utcnow)
