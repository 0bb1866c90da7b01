"""Wiping the traces of casting order from the database when voting closes (PostgreSQL).

The columns of ``Ballot`` and ``Stemcode`` hold nothing that links them, but
PostgreSQL's storage does while voting runs: its heap keeps ballots, and the new
versions of used codes, in the order of casting, and a ballot carries the same
transaction id (the hidden ``xmin``) as its code's ``used`` update, because
both are written in one transaction. When a round leaves its voting phase,
``scrub_round`` gives all of the round's ballots and codes one new transaction
id (a whole-round ``UPDATE``) and rewrites both tables in primary-key order
(``CLUSTER``: random UUIDs for ballots, issue order for codes), in the same
transaction as the phase move. SQLite needs nothing: it updates rows in place
and stores ballots WITHOUT ROWID, ordered by their random ids.

Until then the live database (and PostgreSQL's write-ahead log and any backup
taken during voting) must be treated as secret.
"""

from __future__ import annotations

from sqlalchemy import text, update
from sqlmodel import Session

from app.models import Ballot, Stemcode


def scrub_round(session: Session, round_id: int) -> bool:
    """Removes the casting order of a round's ballots and codes from the storage.

    Runs inside the caller's transaction (commit it afterwards). ``CLUSTER``
    locks the two tables for the time of the rewrite, a second or so for a
    large round.

    Args:
        session: a database session.
        round_id: the round that leaves its voting phase.

    Returns:
        True when the tables were rewritten (PostgreSQL), False when nothing was
        needed, e.g. ``scrub_round(s, 7) is False`` on SQLite.
    """
    if session.get_bind().dialect.name != "postgresql":
        return False
    # Rewriting every row of the round in this one transaction replaces the
    # per-cast transaction ids by a single one.
    connection = session.connection()
    connection.execute(update(Ballot).where(Ballot.round_id == round_id)
                       .values(answers=Ballot.answers))
    connection.execute(update(Stemcode).where(Stemcode.round_id == round_id)
                       .values(used=Stemcode.used))
    connection.execute(text("CLUSTER ballot USING pk_ballot"))
    connection.execute(text("CLUSTER stemcode USING pk_stemcode"))
    return True
