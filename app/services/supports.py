"""Support (draagvlak) for initiatives: one per person per initiative, confirmed by a link.

Only a keyed hash of the normalised e-mail address or phone number is stored,
so the list of supporters cannot be read back; the database's unique constraint
on (initiative, contact hash) keeps a person to one support even when two
requests race. The confirmation link goes out through ``app.services.notify``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.models import Initiative, Round, Support, utcnow
from app.services import notify
from app.services.errors import MESSAGES, ServiceError

# Residents show support while initiatives come in and while they are reviewed.
SUPPORT_PHASES = ("submission", "review")
_EMAIL = re.compile(r"^[^@\s<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ().-]{6,30}$")

MESSAGES.update({
    "bad_contact": _l("Give an e-mail address or a Dutch phone number."),
    "already_supported": _l("You have already supported this initiative with this e-mail "
                            "address or phone number."),
    "support_pending": _l("A confirmation link for this initiative was already sent to this "
                          "e-mail address or phone number. Open that link to confirm."),
    "support_closed": _l("Support for this initiative cannot be given (any more)."),
})


def normalise_contact(text: str) -> tuple[str, str]:
    """The channel and canonical form of an e-mail address or phone number.

    Args:
        text: what the resident typed.

    Returns:
        ``("email", address)`` or ``("sms", number)``, e.g.
        ``normalise_contact(" Jan@Example.ORG ") == ("email", "jan@example.org")`` and
        ``normalise_contact("+31 6 1234 5678") == ("sms", "0612345678")``.

    Raises:
        ServiceError: ``bad_contact`` when it is neither.
    """
    text = text.strip()
    if "@" in text:
        address = text.lower()
        if not _EMAIL.match(address) or ".." in address:
            raise ServiceError("bad_contact")
        return "email", address
    if not _PHONE_CHARS.match(text):
        raise ServiceError("bad_contact")
    digits = re.sub(r"[^0-9]", "", text)
    # +31 6..., 0031 6... and 06... are the same Dutch number.
    if text.startswith("+31") or digits.startswith("0031"):
        digits = "0" + digits[4:] if digits.startswith("0031") else "0" + digits[2:]
    elif text.startswith("+") or digits.startswith("00"):
        digits = "+" + digits.lstrip("0")
    if not (digits.startswith("0") and len(digits) == 10) and not (
            digits.startswith("+") and 9 <= len(digits) <= 16):
        raise ServiceError("bad_contact")
    return "sms", digits


def contact_hash(secret: str, channel: str, contact: str) -> str:
    """HMAC-SHA256 of a normalised contact with the app's secret key (hex)."""
    message = f"{channel}:{contact}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """SHA-256 of a confirmation token (hex); the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def may_support(session: Session, initiative: Initiative) -> bool:
    """True while the initiative's round takes support and it was not turned down."""
    round_ = session.get(Round, initiative.round_id)
    return round_.phase in SUPPORT_PHASES and initiative.status != "not_admitted"


def request_support(session: Session, initiative: Initiative, contact: str, *, secret: str,
                    confirm_url: Callable[[str], str], backend: str = "outbox") -> Support:
    """Records an unconfirmed support and sends its confirmation link.

    Args:
        session: a database session.
        initiative: the initiative to support.
        contact: the e-mail address or phone number the resident typed.
        secret: the app's secret key (keys the contact hash).
        confirm_url: builds the absolute confirmation URL from a token.
        backend: the notify backend.

    Returns:
        The pending support, e.g. ``request_support(s, ini, "jan@example.org",
        secret=key, confirm_url=lambda t: f"https://wijkstem.nl/steun/bevestig/{t}")``.

    Raises:
        ServiceError: ``bad_contact``, ``support_closed``, ``already_supported``
            (confirmed before) or ``support_pending`` (a link was already sent).
    """
    channel, normalised = normalise_contact(contact)
    if not may_support(session, initiative):
        raise ServiceError("support_closed")
    hashed = contact_hash(secret, channel, normalised)
    _refuse_existing(session, initiative.id, hashed)
    wijk_id = session.get(Round, initiative.round_id).wijk_id
    token = secrets.token_urlsafe(24)
    link = confirm_url(token)
    support = Support(initiative_id=initiative.id, contact_hash=hashed,
                      token_hash=token_hash(token))
    try:
        session.add(support)
        session.flush()
        notify.send(session, channel=channel, recipient=normalised, link=link, backend=backend,
                    wijk_id=wijk_id,
                    subject=_("Confirm your support for %(title)s", title=initiative.title),
                    body=_("Open this link to confirm your support for the initiative "
                           "%(title)s: %(link)s", title=initiative.title, link=link))
        session.commit()
    except IntegrityError:
        # Another request with the same contact won the race; the constraint decided.
        session.rollback()
        _refuse_existing(session, initiative.id, hashed)
        raise ServiceError("already_supported") from None
    return support


def _refuse_existing(session: Session, initiative_id: int, hashed: str) -> None:
    """Raises when this contact already supports (or was asked to confirm for) the initiative."""
    existing = session.exec(select(Support).where(
        Support.initiative_id == initiative_id, Support.contact_hash == hashed)).first()
    if existing is not None:
        raise ServiceError("already_supported" if existing.confirmed else "support_pending")


def support_for_token(session: Session, token: str) -> Support | None:
    """The support a confirmation token belongs to, if any."""
    if not token or len(token) > 100:
        return None
    return session.exec(select(Support).where(Support.token_hash == token_hash(token))).first()


def confirm_support(session: Session, support: Support) -> Support:
    """Marks a support confirmed (again confirming is harmless).

    Args:
        session: a database session.
        support: from ``support_for_token``.

    Returns:
        The support, now counted, e.g. ``confirm_support(s, support_for_token(s, token))``.
    """
    if not support.confirmed:
        initiative = session.get(Initiative, support.initiative_id)
        if not may_support(session, initiative):
            raise ServiceError("support_closed")
        support.confirmed = True
        support.confirmed_at = utcnow()
        session.add(support)
        session.commit()
    return support


def support_counts(session: Session, initiative_ids: Iterable[int]) -> dict[int, int]:
    """Confirmed supports per initiative (0 for those without)."""
    ids = list(initiative_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        rows = session.exec(select(Support.initiative_id, func.count(Support.id))
                            .where(Support.initiative_id.in_(ids), Support.confirmed)
                            .group_by(Support.initiative_id))
        counts.update({initiative_id: n for initiative_id, n in rows})
    return counts
