"""The append-only audit log."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.time import utcnow


class AuditEvent(SQLModel, table=True):
    """One recorded change; rows are only ever inserted (see app/services/audit.py)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    wijk_id: int | None = Field(default=None, foreign_key="wijk.id", index=True)
    action: str = Field(max_length=60, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
