"""Messages to residents, behind a pluggable backend; the default keeps them in an outbox.

Wijkstem cannot send e-mail or text messages yet. Every message is stored as an
``OutboxMessage`` in the caller's transaction (so a support and its confirmation
message are stored together or not at all); staff read the outbox, and a future
gateway backend sends the rows and marks them ``sent_at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlmodel import Session, select

from app.models import OutboxMessage


class Notifier(Protocol):
    """A way to deliver a message that is already in the outbox."""

    def deliver(self, session: Session, message: OutboxMessage) -> None:
        """Sends ``message`` (or leaves it for staff to read)."""


class OutboxOnly:
    """Leaves messages in the outbox table, where officials and admins read them."""

    def deliver(self, session: Session, message: OutboxMessage) -> None:
        """Nothing to send: the outbox row is the message."""


# Config NOTIFIER picks one; a mail or SMS gateway registers itself here.
BACKENDS: dict[str, type] = {"outbox": OutboxOnly}


def send(session: Session, *, channel: str, recipient: str, subject: str, body: str,
         link: str = "", wijk_id: int | None = None, backend: str = "outbox") -> OutboxMessage:
    """Queues a message in ``session`` and hands it to the backend.

    Args:
        session: the session of the change the message belongs to (not committed here).
        channel: ``"email"`` or ``"sms"``.
        recipient: the e-mail address or phone number.
        subject: a short subject line.
        body: the text.
        link: the URL the resident should open, if any.
        wijk_id: the wijk concerned, so that its officials may read the outbox.
        backend: a name in ``BACKENDS``.

    Returns:
        The pending message, e.g. ``send(s, channel="email", recipient="a@b.nl",
        subject="Bevestig", body="...", link="https://.../steun/bevestig/abc")``.
    """
    message = OutboxMessage(channel=channel, recipient=recipient, subject=subject, body=body,
                            link=link, wijk_id=wijk_id)
    session.add(message)
    BACKENDS[backend]().deliver(session, message)
    return message


def outbox(session: Session, *, wijk_ids: Sequence[int] | None = None,
           limit: int = 200) -> list[OutboxMessage]:
    """Messages in the outbox, newest first; only those of ``wijk_ids`` when given."""
    statement = select(OutboxMessage)
    if wijk_ids is not None:
        statement = statement.where(OutboxMessage.wijk_id.in_(list(wijk_ids)))
    statement = statement.order_by(OutboxMessage.at.desc(), OutboxMessage.id.desc())
    return list(session.exec(statement.limit(limit)))


def mask(recipient: str) -> str:
    """A recipient with most characters hidden: ``mask("jan@example.org") == "j**@example.org"``."""
    if "@" in recipient:
        name, domain = recipient.split("@", 1)
        return name[:1] + "*" * max(len(name) - 1, 1) + "@" + domain
    return "*" * max(len(recipient) - 2, 1) + recipient[-2:]
