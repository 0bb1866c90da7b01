"""Messages waiting to be sent to residents (the outbox of app/services/notify.py)."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.models.time import utcnow


class OutboxMessage(SQLModel, table=True):
    """One e-mail or text message to a resident, e.g. a support confirmation link.

    Until a mail/SMS gateway is connected, staff read these rows instead; a
    gateway marks a row ``sent_at`` (and may then blank ``recipient``).
    """

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    channel: str = Field(max_length=10)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=Text)
    link: str = Field(default="", max_length=500)
    wijk_id: int | None = Field(default=None, foreign_key="wijk.id", index=True)
    sent_at: datetime | None = None
