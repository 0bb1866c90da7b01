"""Stemcodes: issue single-use voting codes, stored only as keyed hashes, and check them.

A code is 12 characters from a 31-character alphabet without the look-alikes
0/O, 1/I/l (about 59 bits, far beyond guessing under a rate limit), printed in
groups of four: ``K7MR-9XWQ-H3TD``. The database holds the HMAC-SHA256 of the
normalised code keyed with the app's secret (``STEMCODE_KEY``, else
``SECRET_KEY``), so a copy of the database does not reveal any code, and the
plain codes live only in the one response that shows the letters.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.cache import app_cache, ballot_cache_seconds
from app.config import DEFAULTS
from app.models import Round, Stemcode, Wijk
from app.services import audit
from app.services.errors import MESSAGES, ServiceError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
GROUP = 4
BITS = CODE_LENGTH * math.log2(len(ALPHABET))
MAX_BATCH = 5000
# Codes may be issued until voting closes.
ISSUE_PHASES = ("draft", "submission", "review", "voting")

MESSAGES.update({
    "stemcodes_closed": _l("Voting codes can only be issued until voting closes."),
    "stemcodes_count": _l("Give a number of codes between 1 and %(limit)s."),
    "code_unknown": _l("This voting code is not known. Check the code on your letter and "
                       "try again."),
    "code_used": _l("A vote has already been cast with this voting code. Each code can be "
                    "used once."),
    "code_not_open": _l("Voting with this code is not possible now: voting in this round is "
                        "not open (yet or any more)."),
})


def _key() -> bytes:
    """The key of the code hashes (STEMCODE_KEY, else the app's SECRET_KEY)."""
    config = current_app.config
    return str(config.get("STEMCODE_KEY") or config["SECRET_KEY"]).encode()


def normalise_code(text: str) -> str:
    """The code as stored before hashing: upper case without spaces and dashes.

    Args:
        text: what the resident typed.

    Returns:
        The normalised code, e.g. ``normalise_code(" k7mr-9xwq h3td") == "K7MR9XWQH3TD"``.
    """
    return "".join(text.split()).replace("-", "").replace("\u2013", "").upper()


def is_well_formed(normalised: str) -> bool:
    """True when a normalised code has the right length and only alphabet characters."""
    return len(normalised) == CODE_LENGTH and all(c in ALPHABET for c in normalised)


def code_hash(text: str) -> str:
    """The keyed hash (hex HMAC-SHA256) of a code as typed.

    Args:
        text: a code in any case, with or without spaces and dashes.

    Returns:
        64 hex digits; ``code_hash("k7mr 9xwq h3td") == code_hash("K7MR-9XWQ-H3TD")``.
    """
    return hmac.new(_key(), normalise_code(text).encode(), hashlib.sha256).hexdigest()


def format_code(normalised: str) -> str:
    """A code in groups of four for printing, e.g. ``"K7MR9XWQH3TD"`` -> ``"K7MR-9XWQ-H3TD"``."""
    return "-".join(normalised[i:i + GROUP] for i in range(0, len(normalised), GROUP))


def new_code() -> str:
    """A fresh random code from ``secrets``, formatted for printing."""
    return format_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def issue_stemcodes(session: Session, round_: Round, n: int, actor_id: int | None) -> list[str]:
    """Creates ``n`` unused codes for a round and returns them in plain text, once.

    Only the keyed hashes are stored; the audit log records the count, never a code.

    Args:
        session: a database session.
        round_: the round, in a phase before voting closes.
        n: how many codes, 1 to ``MAX_BATCH``.
        actor_id: the official (or admin) issuing them.

    Returns:
        The codes, e.g. ``issue_stemcodes(s, r, 2, 5) == ["K7MR-9XWQ-H3TD", "4PZC-..."]``.

    Raises:
        ServiceError: ``stemcodes_closed`` after voting, ``stemcodes_count`` for a bad ``n``.
    """
    if round_.phase not in ISSUE_PHASES:
        raise ServiceError("stemcodes_closed")
    if not 1 <= n <= MAX_BATCH:
        raise ServiceError("stemcodes_count", limit=MAX_BATCH)
    codes: dict[str, str] = {}
    while len(codes) < n:
        # At ~59 bits a clash is astronomically rare, but cheap to rule out.
        batch = {code_hash(c): c for c in (new_code() for _ in range(n - len(codes)))}
        taken = set(session.exec(select(Stemcode.code_hash)
                                 .where(Stemcode.code_hash.in_(list(batch)))))
        codes.update((d, c) for d, c in batch.items() if d not in taken)
    session.add_all(Stemcode(round_id=round_.id, code_hash=digest) for digest in codes)
    audit.record(session, "stemcodes.issued", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"count": n})
    session.commit()
    return list(codes.values())


def counts(session: Session, round_id: int) -> tuple[int, int]:
    """Codes issued and codes used in a round."""
    issued = session.exec(select(func.count()).select_from(Stemcode)
                          .where(Stemcode.round_id == round_id)).one()
    used = session.exec(select(func.count()).select_from(Stemcode)
                        .where(Stemcode.round_id == round_id, Stemcode.used)).one()
    return issued, used


def local_today() -> date:
    """Today in the app's time zone (voting dates are local calendar days); outside a
    request, in the default one (scripts and services used on their own)."""
    config = current_app.config if has_app_context() else DEFAULTS
    return datetime.now(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])).date()


def voting_open(round_: Round, today: date) -> bool:
    """True when the round is in its voting phase and ``today`` lies within its voting dates.

    Args:
        round_: the round.
        today: the local date.

    Returns:
        e.g. False for a round in ``review``, or one whose ``voting_end`` is yesterday.
    """
    if round_.phase != "voting":
        return False
    if round_.voting_start is not None and today < round_.voting_start:
        return False
    return round_.voting_end is None or today <= round_.voting_end


# Every page of the voting flow asks for its code: one Core query on the unique index,
# built once, that also reads what decides whether the round takes votes and its budget.
# The round and wijk objects come from the worker's cache, kept under those values.
CODE_STATE = (select(Stemcode.used, Stemcode.round_id, Round.phase, Round.voting_start,
                     Round.voting_end, Wijk.inhabitants)
              .join(Round, Round.id == Stemcode.round_id).join(Wijk, Wijk.id == Round.wijk_id)
              .where(Stemcode.code_hash == bindparam("digest")))
VOTING_ROUNDS = "wijkstem_voting_rounds"  # app.extensions key of the cached rounds


def open_code(session: Session, digest: str) -> tuple[Round, Wijk]:
    """The round (and its wijk) of the unused code with this hash, while it takes votes.

    Args:
        session: a database session.
        digest: the code's keyed hash (``code_hash(text)``).

    Returns:
        The code's round and the round's wijk, as copies outside the session (see
        ``voting_round``).

    Raises:
        ServiceError: ``code_unknown``, ``code_used`` or ``code_not_open``.
    """
    found = session.connection().execute(CODE_STATE, {"digest": digest}).first()
    if found is None:
        raise ServiceError("code_unknown")
    if found.used:
        raise ServiceError("code_used")
    round_, wijk = voting_round(session, tuple(found)[1:])
    if not voting_open(round_, local_today()):
        raise ServiceError("code_not_open")
    return round_, wijk


def voting_round(session: Session, state: tuple) -> tuple[Round, Wijk]:
    """Copies of a round and its wijk, given ``state`` as just read: round id, phase,
    voting dates and the wijk's inhabitants (which set the budget).

    A round in its voting phase is read once per worker for ``BALLOT_CACHE_SECONDS``
    and kept under ``state``: when any of these changes the copies are read again.
    Other rounds are always read afresh.
    """
    def read() -> tuple[Round, Wijk]:
        round_ = session.get(Round, state[0])
        wijk = session.get(Wijk, round_.wijk_id)
        return Round(**round_.model_dump()), Wijk(**wijk.model_dump())

    if not has_app_context() or ballot_cache_seconds() <= 0:
        return read()
    return app_cache(VOTING_ROUNDS).get(state, read, ballot_cache_seconds(),
                                        keep=lambda found: found[0].phase == "voting")


def check_typed_code(session: Session, text: str) -> tuple[str, Round, Wijk]:
    """Checks a code as typed by a resident; returns its hash, round and wijk.

    Raises:
        ServiceError: as ``open_code``; ``code_unknown`` for a malformed code too.
    """
    if not is_well_formed(normalise_code(text)):
        raise ServiceError("code_unknown")
    digest = code_hash(text)
    return (digest, *open_code(session, digest))
