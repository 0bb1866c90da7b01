"""Stadsdelen and wijken: forms' changes and the all-or-nothing CSV import."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.models import Account, Round, Stadsdeel, Wijk
from app.services import audit
from app.services.errors import ServiceError

MAX_INHABITANTS = 10_000_000
_POSTCODE = re.compile(r"^\d{4}(?:[A-Z]{2})?$")
_SEPARATORS = re.compile(r"[\s,;]+")


def normalise_postcodes(text: str) -> str:
    """Postcodes as one space-separated, sorted, de-duplicated string.

    Args:
        text: postcode areas or full postcodes separated by spaces, commas or
            semicolons, e.g. ``"9722, 9721;9721ab"``.

    Returns:
        e.g. ``"9721 9721AB 9722"``.

    Raises:
        ServiceError: ``bad_postcode`` naming the first one that is not ``1234`` or ``1234AB``.
    """
    codes = set()
    for token in _SEPARATORS.split(text.strip().upper()):
        if not token:
            continue
        if not _POSTCODE.match(token) or token.startswith("0"):
            raise ServiceError("bad_postcode", postcode=token[:20])
        codes.add(token)
    return " ".join(sorted(codes))


def stadsdelen(session: Session) -> list[Stadsdeel]:
    """All stadsdelen by name."""
    return list(session.exec(select(Stadsdeel).order_by(Stadsdeel.name)))


def wijken(session: Session, stadsdeel_id: int | None = None) -> list[Wijk]:
    """Wijken by name, of one stadsdeel or all."""
    statement = select(Wijk).order_by(Wijk.name)
    if stadsdeel_id is not None:
        statement = statement.where(Wijk.stadsdeel_id == stadsdeel_id)
    return list(session.exec(statement))


def _commit(session: Session, code: str = "name_taken") -> None:
    """Commits; a unique constraint hit (two admins at once) becomes a ServiceError."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ServiceError(code) from None


def save_stadsdeel(session: Session, name: str, stadsdeel: Stadsdeel | None = None,
                   actor_id: int | None = None) -> Stadsdeel:
    """Creates a stadsdeel, or renames ``stadsdeel``.

    Args:
        session: a database session.
        name: its name, unique.
        stadsdeel: the one to rename (None to create).
        actor_id: the administrator.

    Returns:
        The stadsdeel, e.g. ``save_stadsdeel(s, "West")``.
    """
    name = name.strip()
    clash = session.exec(select(Stadsdeel).where(Stadsdeel.name == name)).first()
    if clash is not None and clash is not stadsdeel:
        raise ServiceError("name_taken")
    if stadsdeel is None:
        stadsdeel = Stadsdeel(name=name)
    stadsdeel.name = name
    session.add(stadsdeel)
    session.flush()
    audit.record(session, "stadsdeel.saved", actor_id=actor_id,
                 details={"stadsdeel": stadsdeel.id, "name": name})
    _commit(session)
    return stadsdeel


def save_wijk(session: Session, values: dict[str, Any], wijk: Wijk | None = None,
              actor_id: int | None = None) -> Wijk:
    """Creates a wijk, or changes ``wijk``.

    Args:
        session: a database session.
        values: ``stadsdeel_id``, ``name``, ``code`` (optional), ``inhabitants``,
            ``postcodes`` (free text, normalised).
        wijk: the wijk to change (None to create).
        actor_id: the administrator.

    Returns:
        The wijk, e.g. ``save_wijk(s, {"stadsdeel_id": 1, "name": "Paddepoel",
        "inhabitants": 9000, "postcodes": "9742"})``.
    """
    cleaned = _clean_wijk(session, values, wijk)
    if wijk is None:
        wijk = Wijk(**cleaned)
    else:
        for name, value in cleaned.items():
            setattr(wijk, name, value)
    session.add(wijk)
    session.flush()
    audit.record(session, "wijk.saved", actor_id=actor_id, wijk_id=wijk.id,
                 details={"wijk": wijk.id, **cleaned})
    _commit(session)
    return wijk


def _clean_wijk(session: Session, values: dict[str, Any], wijk: Wijk | None) -> dict[str, Any]:
    """Checked and normalised wijk settings; raises ServiceError on the first problem."""
    stadsdeel_id = values.get("stadsdeel_id")
    if not stadsdeel_id or session.get(Stadsdeel, stadsdeel_id) is None:
        raise ServiceError("not_found")
    name = str(values.get("name") or "").strip()
    code = (str(values.get("code") or "").strip().upper()) or None
    inhabitants = values.get("inhabitants")
    if not name:
        raise ServiceError("name_missing")
    if not isinstance(inhabitants, int) or not 0 <= inhabitants <= MAX_INHABITANTS:
        raise ServiceError("bad_inhabitants")
    same_name = session.exec(select(Wijk).where(Wijk.stadsdeel_id == stadsdeel_id,
                                                Wijk.name == name)).first()
    if same_name is not None and same_name is not wijk:
        raise ServiceError("name_taken")
    if code is not None:
        same_code = session.exec(select(Wijk).where(Wijk.code == code)).first()
        if same_code is not None and same_code is not wijk:
            raise ServiceError("code_taken")
    return {"stadsdeel_id": stadsdeel_id, "name": name, "code": code,
            "inhabitants": inhabitants,
            "postcodes": normalise_postcodes(str(values.get("postcodes") or ""))}


def usage(session: Session, wijk_id: int) -> dict[str, int]:
    """How many rounds and accounts use a wijk (shown before changes)."""
    return {
        "rounds": len(session.exec(select(Round.id).where(Round.wijk_id == wijk_id)).all()),
        "accounts": len(session.exec(select(Account.id).where(Account.wijk_id == wijk_id)).all()),
    }
