"""Stemcodes and ballots: two tables that share the round and nothing else.

Ballot secrecy is designed into the columns: a ``Stemcode`` knows only its
round, its keyed hash and whether it was used; a ``Ballot`` knows its round,
its channel and its answers. Neither has a timestamp, neither points at the
other, and ballot ids are random UUIDs, so no column, sequence or clock value
ties a ballot to the code that cast it.
"""

import uuid

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

BALLOT_CHANNELS = ("online", "paper")


def new_ballot_id() -> str:
    """A random (version 4) UUID as text: ballot ids carry no order of casting."""
    return str(uuid.uuid4())


class Stemcode(SQLModel, table=True):
    """A single-use voting code of a round, stored only as a keyed hash.

    ``code_hash`` is the hex HMAC-SHA256 of the normalised code (upper case,
    no spaces or dashes) keyed with the app's secret (see
    ``app.services.stemcodes``); the plain code exists only on the printed
    letter. ``used`` flips to True in the same transaction that stores the
    ballot, guarded by ``WHERE used = false`` so that the database lets one
    ballot through per code. There is deliberately no time of use.
    """

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    used: bool = Field(default=False)


class Ballot(SQLModel, table=True):
    """One cast ballot: the answers to every question of the round.

    ``answers`` is canonical JSON (sorted keys, no spaces) mapping the question
    id (as text) to the answer in database ids, per question kind:

    - ranked: list of initiative ids, best first, e.g. ``[12, 7, 9]``;
    - approval and knapsack: sorted list of initiative ids, e.g. ``[7, 12]``;
    - points: object of initiative id (text) -> points > 0, e.g. ``{"7": 6, "12": 4}``;
    - yes/no: ``"yes"`` or ``"no"``.

    Example: ``{"3":[12,7,9],"4":"yes"}``. A tally service builds a ``ballots``
    profile per question by numbering the question's options (admitted
    initiatives, sorted by id) 0..n-1, exactly as ``app.services.ballots`` does
    when it validates the ballot with the question's spec.

    ``channel`` is ``online`` or ``paper``; ``stembureau_id`` is set for paper
    ballots only.

    Physical order: on SQLite the table is created WITHOUT ROWID, so rows are
    stored in the order of their random ``id``, not in the order of casting.
    Caveat for PostgreSQL: its heap keeps rows roughly in insertion order (and
    the hidden ``xmin`` of a ballot equals that of its code's ``used`` update),
    so reads must ``ORDER BY id`` and the database files themselves must be
    treated as secret until the round's tables are rewritten (e.g. a
    whole-round ``UPDATE`` followed by ``VACUUM FULL`` / ``CLUSTER`` on the
    primary key after voting closes).
    """

    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(default_factory=new_ballot_id, primary_key=True, max_length=36)
    round_id: int = Field(foreign_key="round.id", index=True)
    channel: str = Field(max_length=10)
    stembureau_id: int | None = Field(default=None, foreign_key="stembureau.id")
    answers: str = Field(sa_type=Text)
