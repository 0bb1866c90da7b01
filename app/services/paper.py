"""Paper ballots of a stembureau: recorded one at a time or as a CSV batch, corrected, and
reconciled.

An official of the round's stadsdeel records the paper ballots while the round
is voting or counting, until a count exists. A single ballot has an answer to
every question, checked as the online ballot is (``app.services.ballots``); a
CSV batch holds one question's ballots (``app.services.paper_csv``). Paper
ballots are ``Ballot`` rows with channel ``paper`` and their stembureau; like
online ballots they get random ids and no timestamp. The audit log records
counts, never the contents of a ballot.

In a round with several questions the per-question files of one stembureau are
laid side by side: a file's ballots first fill in the paper ballots of that
stembureau that have no answer to its question yet (made by another question's
file), and only the rest become new rows. So the number of paper rows stays the
number of ballot sheets, which is what the count and the turnout take as the
number of ballots. Which answers of two files share a row is arbitrary (a tally
per question carries no pairing); every rule counts each question on its own.

Mistakes are corrected in the same period: one ballot is withdrawn by entering
its answers again (a ballot has no order or author to name it by), and a
question's answers of one stembureau are cleared to record its file again.

The reconciliation compares, per stembureau, the number of ballots issued
(uitgereikte stembiljetten, ``PaperIssued``) with those recorded per question.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.models import Ballot, PaperIssued, QuestionCount, Round, Stembureau, utcnow
from app.services import audit, rounds
from app.services.ballots import BallotQuestion, ballot_questions, check_answers, encode_answers
from app.services.errors import MESSAGES, ServiceError
from app.services.paper_csv import read_batch
from ballots.errors import BallotError

PAPER_PHASES = ("voting", "counting")
MAX_ISSUED = 1_000_000

MESSAGES.update({
    "paper_closed": _l("Paper ballots can only be recorded while the round is voting or "
                       "counting, and not once it has been counted."),
    "paper_issued_range": _l("Give a number of issued ballots between 0 and %(limit)s."),
    "paper_no_question": _l("Choose a question of this round."),
    "paper_nothing_to_clear": _l("No paper answers to this question have been recorded at this "
                                 "stembureau: there is nothing to remove."),
    "paper_no_match": _l("No paper ballot with exactly these answers has been recorded at this "
                         "stembureau. Nothing was withdrawn."),
})


class BallotRejected(ValueError):
    """A paper ballot breaks its questions' specs; ``errors`` maps question id to the reason."""

    def __init__(self, errors: dict[int, BallotError]) -> None:
        super().__init__(f"{len(errors)} question(s) not valid")
        self.errors = errors


@dataclass
class StationCount:
    """The reconciliation of one stembureau.

    ``recorded`` maps question id to the paper ballots answering it; ``ballots``
    is the largest of those (a ballot sheet answers every question) and
    ``difference`` is ``ballots - issued`` (None while no issued count is known).
    """

    stembureau: Stembureau
    issued: int | None
    recorded: dict[int, int] = field(default_factory=dict)

    @property
    def ballots(self) -> int:
        """Paper ballot sheets recorded (the most recorded for any one question)."""
        return max(self.recorded.values(), default=0)

    @property
    def difference(self) -> int | None:
        """Recorded minus issued; negative when fewer were recorded than issued."""
        return None if self.issued is None else self.ballots - self.issued

    def question_difference(self, question_id: int) -> int | None:
        """Recorded minus issued for one question."""
        if self.issued is None:
            return None
        return self.recorded.get(question_id, 0) - self.issued


def is_counted(session: Session, round_id: int) -> bool:
    """True once a count of the round exists (paper ballots can then no longer change)."""
    return session.exec(select(func.count()).select_from(QuestionCount)
                        .where(QuestionCount.round_id == round_id)).one() > 0


def is_open(session: Session, round_: Round) -> bool:
    """True while paper ballots of the round can be recorded."""
    return round_.phase in PAPER_PHASES and not is_counted(session, round_.id)


def _check_open(session: Session, round_: Round) -> None:
    """Raises ``paper_closed`` unless paper ballots can be recorded now."""
    if not is_open(session, round_):
        raise ServiceError("paper_closed")


def _store(session: Session, round_: Round, stembureau: Stembureau, answers: list[str],
           action: str, details: dict[str, Any], actor_id: int | None,
           filled: list[Ballot] | None = None) -> None:
    """Inserts paper ballots (and saves ``filled`` ones) with their audit event, all or nothing."""
    session.add_all(filled or [])
    session.add_all(Ballot(round_id=round_.id, channel="paper", stembureau_id=stembureau.id,
                           answers=text) for text in answers)
    _commit(session, round_, stembureau, len(answers) + len(filled or []), action, details,
            actor_id)


def _commit(session: Session, round_: Round, stembureau: Stembureau, touched: int,
            action: str, details: dict[str, Any], actor_id: int | None) -> None:
    """Commits the session's changes to ``touched`` paper ballots with their audit event:
    both or neither; a busy database is ``busy``."""
    try:
        audit.record(session, action, actor_id=actor_id, round_id=round_.id,
                     wijk_id=round_.wijk_id, details={
                         "stembureau": stembureau.id, "ballots": touched, **details})
        session.commit()
    except OperationalError:
        session.rollback()
        raise ServiceError("busy") from None
    except BaseException:
        session.rollback()
        raise


def record_paper_ballot(session: Session, round_: Round, stembureau: Stembureau,
                        answers: Mapping[int, Any], actor_id: int | None) -> None:
    """Stores one paper ballot of a stembureau after checking every answer with its spec.

    Args:
        session: a database session.
        round_: the stembureau's round, voting or counting and not yet counted.
        stembureau: where the ballot was cast.
        answers: question id -> answer in initiative ids, as the online ballot form gives.
        actor_id: the official recording it.

    Raises:
        ServiceError: ``paper_closed`` (or ``busy``); BallotRejected when an answer is
            not valid, e.g. ``BallotRejected({3: BallotError("too_many", ...)})``.
    """
    _check_open(session, round_)
    items = ballot_questions(session, round_)
    if not items:
        raise ServiceError("paper_no_question")
    errors = check_answers(items, answers)
    if errors:
        raise BallotRejected(errors)
    _store(session, round_, stembureau, [encode_answers(answers)], "paper.recorded", {},
           actor_id)


def withdraw_paper_ballot(session: Session, round_: Round, stembureau: Stembureau,
                          answers: Mapping[int, Any], actor_id: int | None) -> None:
    """Takes back one paper ballot recorded by mistake: the one with exactly these answers.

    Ballots carry no order and no author, so the mistaken ballot is named by its
    contents, entered again as on the recording form; one stored ballot of this
    stembureau with the same answers is deleted (which one does not matter: they
    are identical). The audit log records that one was withdrawn, not its answers.

    Raises:
        ServiceError: ``paper_closed``, ``paper_no_question``, ``paper_no_match`` (or
            ``busy``); BallotRejected when nothing matches and the answers break their
            questions' rules (the reason is what the official needs to see then).
    """
    _check_open(session, round_)
    items = ballot_questions(session, round_)
    if not items:
        raise ServiceError("paper_no_question")
    # Matched before the rules are applied: a ballot recorded under an earlier budget
    # (the wijk's inhabitants can change) must still be withdrawable.
    match = None
    try:
        text = encode_answers(answers)
    except (TypeError, ValueError):  # e.g. "abc" for points: no stored ballot holds it
        pass
    else:  # locked (PostgreSQL), so that a second request cannot delete it again
        match = session.exec(select(Ballot).where(
            Ballot.stembureau_id == stembureau.id, Ballot.channel == "paper",
            Ballot.answers == text).order_by(Ballot.id).limit(1).with_for_update()).first()
    if match is None:
        errors = check_answers(items, answers)
        if errors:
            raise BallotRejected(errors)
        raise ServiceError("paper_no_match")
    _remove(session, round_, stembureau, [match], [], "paper.withdrawn", {}, actor_id)


def clear_question(session: Session, round_: Round, stembureau: Stembureau, question_id: Any,
                   actor_id: int | None) -> int:
    """Removes every recorded paper answer to one question at one stembureau.

    For a CSV file (or a run of ballots) recorded wrongly: the question's paper
    count of this stembureau starts again, and the corrected file is recorded
    next. A ballot sheet left without any answer is deleted.

    Returns:
        The number of answers removed, e.g. 412.

    Raises:
        ServiceError: ``paper_closed``, ``paper_no_question``, ``paper_nothing_to_clear``
            (or ``busy``).
    """
    _check_open(session, round_)
    key = str(question_item(session, round_, question_id).question.id)
    emptied, kept = [], []
    # Locked (PostgreSQL): a CSV file recorded meanwhile fills these rows after, not during.
    for row in session.exec(select(Ballot).where(Ballot.stembureau_id == stembureau.id,
                                                 Ballot.channel == "paper").with_for_update()):
        answers = json.loads(row.answers)
        if key not in answers:
            continue
        del answers[key]
        if answers:
            row.answers = encode_answers({int(k): v for k, v in answers.items()})
            kept.append(row)
        else:
            emptied.append(row)
    if not emptied and not kept:
        raise ServiceError("paper_nothing_to_clear")
    _remove(session, round_, stembureau, emptied, kept, "paper.cleared",
            {"question": int(key)}, actor_id)
    return len(emptied) + len(kept)


def _remove(session: Session, round_: Round, stembureau: Stembureau, deleted: list[Ballot],
            changed: list[Ballot], action: str, details: dict[str, Any],
            actor_id: int | None) -> None:
    """Deletes and saves paper ballots with their audit event, all or nothing."""
    for row in deleted:
        session.delete(row)
    session.add_all(changed)
    _commit(session, round_, stembureau, len(deleted) + len(changed), action, details, actor_id)


def question_item(session: Session, round_: Round, question_id: Any) -> BallotQuestion:
    """The round's ballot question with this id; ``paper_no_question`` when there is none."""
    for item in ballot_questions(session, round_):
        if item.question.id == question_id:
            return item
    raise ServiceError("paper_no_question")


def record_batch(session: Session, round_: Round, stembureau: Stembureau, question_id: int,
                 data: bytes, actor_id: int | None) -> int:
    """Stores the paper ballots of a CSV file for one question, every row or none.

    Args:
        session: a database session.
        round_: the stembureau's round, voting or counting and not yet counted.
        stembureau: where the ballots were cast.
        question_id: the question the file answers (its layout follows the question's kind).
        data: the file's bytes.
        actor_id: the official uploading it.

    Returns:
        The number of ballots stored, e.g. 412.

    Raises:
        ServiceError: ``paper_closed``, ``paper_no_question`` (or ``busy``);
            ``paper_csv.BatchRejected`` listing every bad line (nothing stored).
    """
    _check_open(session, round_)
    item = question_item(session, round_, question_id)
    answers = read_batch(item, data)
    filled = _without_answer(session, stembureau.id, question_id)[:len(answers)]
    for row, answer in zip(filled, answers, strict=False):
        known = {int(key): value for key, value in json.loads(row.answers).items()}
        row.answers = encode_answers({**known, question_id: answer})
    new = [encode_answers({question_id: answer}) for answer in answers[len(filled):]]
    _store(session, round_, stembureau, new, "paper.batch", {"question": question_id},
           actor_id, filled)
    return len(answers)


def _without_answer(session: Session, stembureau_id: int, question_id: int) -> list[Ballot]:
    """The stembureau's paper ballots that do not answer ``question_id`` yet (by random id)."""
    rows = session.exec(select(Ballot).where(Ballot.stembureau_id == stembureau_id,
                                             Ballot.channel == "paper")
                        .order_by(Ballot.id).with_for_update())
    return [row for row in rows if str(question_id) not in json.loads(row.answers)]


def set_issued(session: Session, round_: Round, stembureau: Stembureau, issued: int,
               actor_id: int | None) -> None:
    """Records how many ballots a stembureau issued (a correction overwrites it).

    Raises:
        ServiceError: ``paper_issued_range`` for a number outside 0..MAX_ISSUED,
            ``paper_closed`` outside voting and counting.
    """
    if not isinstance(issued, int) or not 0 <= issued <= MAX_ISSUED:
        raise ServiceError("paper_issued_range", limit=MAX_ISSUED)
    if round_.phase not in PAPER_PHASES:
        raise ServiceError("paper_closed")
    row = session.get(PaperIssued, stembureau.id) or PaperIssued(stembureau_id=stembureau.id)
    row.issued, row.updated_by, row.updated_at = issued, actor_id, utcnow()
    session.add(row)
    audit.record(session, "paper.issued", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"stembureau": stembureau.id, "issued": issued})
    session.commit()


def reconciliation(session: Session, round_id: int) -> list[StationCount]:
    """Issued and recorded paper ballots of every stembureau of a round.

    Returns:
        One ``StationCount`` per stembureau, by name, e.g. issued 120 and
        ``recorded == {3: 118}``: ``difference == -2``.
    """
    stations = {s.id: StationCount(s, None) for s in rounds.stembureaus(session, round_id)}
    for row in session.exec(select(PaperIssued).where(
            PaperIssued.stembureau_id.in_(list(stations)))):
        stations[row.stembureau_id].issued = row.issued
    for stembureau_id, text in session.exec(
            select(Ballot.stembureau_id, Ballot.answers)
            .where(Ballot.round_id == round_id, Ballot.channel == "paper")):
        station = stations.get(stembureau_id)
        if station is None:
            continue
        for key in json.loads(text):
            station.recorded[int(key)] = station.recorded.get(int(key), 0) + 1
    return list(stations.values())
