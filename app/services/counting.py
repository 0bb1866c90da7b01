"""Counting a round: the one bridge between the database and ``voting/``.

After voting closes (phase ``counting``) an official runs the count. For each
question the round's ballots are read (``ORDER BY id``: random ids, so no order
of casting), the anonymised ballot file is built (``app.services.ballot_files``),
its bytes are parsed back with ``ballots.formats`` exactly as ``wijkstem tally``
reads a file, and ``voting.rules.tally`` applies the question's rule with a
fresh random seed. The stored result is the canonical JSON that
``wijkstem tally FILE --rule RULE --seed SEED --json`` prints for those bytes.
A second, different official confirms; then an official publishes, which
moves the round to ``published``. Every step is in the audit log.

Yes/no questions are counted by ``voting.referendum.yes_no`` from a ballot
``.csv`` whose one column is ``answer``; ``wijkstem tally`` recognises that
file and counts it the same way (rule ``majority``).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.models import (
    AuditEvent,
    Ballot,
    Initiative,
    Question,
    QuestionCount,
    Round,
    Stemcode,
    Wijk,
    utcnow,
)
from app.services import audit, rounds
from app.services.ballot_files import BLT, CSV, BadAnswer, BallotFile, Option, QuestionSetup
from app.services.ballot_files import build_file as _build_file
from app.services.errors import MESSAGES, ServiceError
from app.services.initiatives import totals
from ballots.errors import BallotError, FormatError
from ballots.formats.ballot_csv import read_ballot_csv
from ballots.formats.blt import read_blt
from ballots.formats.pabulib import read_pb
from voting.explain import budget_steps, why_not_funded
from voting.referendum import yes_no
from voting.result import canonical_json
from voting.rules import RuleError, tally
from voting.text import LANGUAGES

COUNT_PHASE = "counting"
log = logging.getLogger(__name__)
EXTENSIONS = {"pb": "pb", BLT: "blt", CSV: "csv"}

MESSAGES.update({
    "count_wrong_phase": _l("Votes can only be counted once voting has closed "
                            "(the round must be in its counting phase)."),
    "count_exists": _l("This round has already been counted."),
    "count_no_questions": _l("This round has no questions to count."),
    "count_no_options": _l("Question %(position)s has no admitted initiatives to count."),
    "count_failed": _l("Question %(position)s could not be counted with its rule; nothing was "
                       "counted. Ask the administrator to check the question's settings."),
    "count_bad_ballot": _l("A stored ballot does not fit question %(position)s; nothing was "
                           "counted. Ask the administrator to check the ballots."),
    "count_missing": _l("There is no count to confirm or publish yet."),
    "count_same_official": _l("You ran this count yourself: a second, different official "
                              "must confirm it."),
    "count_not_computed": _l("This count has already been confirmed."),
    "count_changed": _l("The count has changed since you opened this page. "
                        "Check it again before confirming."),
    "count_not_confirmed": _l("A second official must confirm the count before it "
                              "can be published."),
    "count_published": _l("This result has already been published."),
    "count_reason": _l("Give a reason (at most 500 characters)."),
})


def seed() -> str:
    """A fresh tie-break seed: 64 random bits as hex, published with the result."""
    return secrets.token_hex(8)


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def options_of(session: Session, round_id: int) -> tuple[Option, ...]:
    """The round's admitted initiatives, sorted by id, with total cost and co-financing."""
    items = list(session.exec(select(Initiative).where(
        Initiative.round_id == round_id, Initiative.status == "admitted").order_by(Initiative.id)))
    costs = totals(session, [i.id for i in items])
    return tuple(Option(i.id, i.title, costs.get(i.id, 0), i.cofinancing_cents) for i in items)


def setup_of(session: Session, round_: Round, question: Question,
             options: tuple[Option, ...]) -> QuestionSetup:
    """What the ballot file of ``question`` needs from the database."""
    wijk = session.get(Wijk, round_.wijk_id)
    dates = (round_.voting_start.isoformat() if round_.voting_start else "",
             round_.voting_end.isoformat() if round_.voting_end else "")
    return QuestionSetup(
        kind=question.kind, rule=question.rule, round_kind=round_.kind,
        options=() if question.kind == "yesno" else options,
        budget=rounds.budget_cents(round_, wijk), max_choices=question.max_choices,
        points_total=question.points_total, title=round_.title, question=question.text,
        wijk=wijk.name, dates=dates if all(dates) else ("", ""))


def round_answers(session: Session, round_id: int) -> list[dict[str, Any]]:
    """The answers of every ballot of the round, in the order of the random ballot ids."""
    rows = session.exec(select(Ballot.answers).where(Ballot.round_id == round_id)
                        .order_by(Ballot.id))
    return [json.loads(text) for text in rows]


def tally_file(ballot_file: BallotFile, rule: str, seed_text: str) -> str:
    """The canonical result JSON for a file's bytes, as ``wijkstem tally --json`` prints it.

    Args:
        ballot_file: the built file.
        rule: the question's rule (``majority`` for yes/no questions).
        seed_text: the published seed.

    Returns:
        ``canonical_json({**result.to_dict(), "ballots_sha256": ...})``.
    """
    return result_json(ballot_file, _tally(ballot_file, rule, seed_text))


def _tally(ballot_file: BallotFile, rule: str, seed_text: str) -> Any:
    """What the rule makes of the file's bytes."""
    data = ballot_file.data
    if ballot_file.format == CSV:
        return yes_no(read_ballot_csv(io.BytesIO(data), kind="yes_no"))
    reader = read_blt if ballot_file.format == BLT else read_pb
    return tally(reader(io.BytesIO(data)), rule, seed=seed_text)


def result_json(ballot_file: BallotFile, result: Any) -> str:
    """The canonical JSON of ``result``, with the SHA-256 of the file it counted."""
    return canonical_json({**result.to_dict(), "ballots_sha256": sha256(ballot_file.data)})


def explanation_json(result: Any, titles: dict[str, str]) -> str:
    """A budget result's steps, with the initiatives by ``titles`` (label -> title), and
    why each one not funded was left out, in every language of the core:
    ``{"nl": {"steps": [...], "reasons": {label: sentence}}, "en": {...}}``; ``{}`` for
    other results."""
    if not budget_steps(result) and not why_not_funded(result):
        return "{}"
    return json.dumps({language: {"steps": budget_steps(result, language, titles),
                                  "reasons": why_not_funded(result, language)}
                       for language in LANGUAGES}, sort_keys=True, ensure_ascii=False)


def file_name(round_: Round, question: Question, fmt: str) -> str:
    """Download name of a question's ballot file, e.g. ``wijkstem-ronde-4-vraag-1.pb``."""
    return f"wijkstem-ronde-{round_.id}-vraag-{question.position}.{EXTENSIONS[fmt]}"


def counts_of(session: Session, round_id: int) -> list[QuestionCount]:
    """The round's counts in ballot order of their questions."""
    return list(session.exec(
        select(QuestionCount).join(Question, Question.id == QuestionCount.question_id)
        .where(QuestionCount.round_id == round_id).order_by(Question.position, Question.id)))


def run_count(session: Session, round_: Round, actor_id: int) -> list[QuestionCount]:
    """Counts every question of a round whose voting has closed, and stores the results.

    Args:
        session: a database session.
        round_: a round in its counting phase, not counted before.
        actor_id: the official who counts.

    Returns:
        The new counts (status ``computed``), e.g. one per question.

    Raises:
        ServiceError: ``count_wrong_phase``, ``count_exists``, ``count_no_questions``
            or ``count_bad_ballot``; nothing is stored then.
    """
    if round_.phase != COUNT_PHASE:
        raise ServiceError("count_wrong_phase")
    if counts_of(session, round_.id):
        raise ServiceError("count_exists")
    questions = rounds.questions(session, round_.id)
    if not questions:
        raise ServiceError("count_no_questions")
    options = options_of(session, round_.id)
    ballots = round_answers(session, round_.id)
    seed_text, now, made = seed(), utcnow(), []
    for question in questions:
        built, result, explained = _count_question(session, round_, question, options,
                                                   ballots, seed_text)
        count = QuestionCount(
            round_id=round_.id, question_id=question.id, rule=question.rule, seed=seed_text,
            ballots_name=file_name(round_, question, built.format), ballots_file=built.data,
            ballots_sha256=sha256(built.data), total_ballots=len(ballots),
            n_ballots=built.n_ballots, labels_json=json.dumps(built.labels, sort_keys=True),
            result_json=result, explanation_json=explained, counted_by=actor_id,
            counted_at=now)
        session.add(count)
        made.append(count)
        audit.record(session, "count.computed", actor_id=actor_id, round_id=round_.id,
                     wijk_id=round_.wijk_id, details={
                         "question": question.id, "rule": question.rule, "seed": seed_text,
                         "ballots_sha256": count.ballots_sha256, "ballots": len(ballots)})
    _commit_once(session)
    return made


def _count_question(session: Session, round_: Round, question: Question,
                    options: tuple[Option, ...], ballots: list[dict[str, Any]],
                    seed_text: str) -> tuple[BallotFile, str, str]:
    """One question's ballot file, result JSON and explanation JSON; a ServiceError when
    it cannot be counted."""
    if question.kind != "yesno" and not options:
        raise ServiceError("count_no_options", position=question.position)
    answers = (ballot.get(str(question.id)) for ballot in ballots)
    try:
        built = _build_file(setup_of(session, round_, question, options), answers)
        result = _tally(built, question.rule, seed_text)
        titles = {o.id: o.title for o in options}
        named = {label: titles.get(initiative, label) for label, initiative in built.labels.items()}
        return built, result_json(built, result), explanation_json(result, named)
    except BadAnswer:
        raise ServiceError("count_bad_ballot", position=question.position) from None
    except (BallotError, FormatError, RuleError, ValueError):
        log.exception("question %s of round %s could not be counted", question.id, round_.id)
        raise ServiceError("count_failed", position=question.position) from None


def _commit_once(session: Session) -> None:
    """Commits new counts; a count stored meanwhile by someone else wins."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ServiceError("count_exists") from None


def fingerprint(counts: Iterable[QuestionCount]) -> str:
    """One digest over the results shown, so a confirmation is for exactly what was seen."""
    return sha256("\n".join(f"{c.question_id}:{c.result_json}" for c in counts).encode())


def confirm_count(session: Session, round_: Round, actor_id: int,
                  seen: str) -> list[QuestionCount]:
    """The second official's confirmation of a computed count (four eyes).

    Args:
        session: a database session.
        round_: the counted round.
        actor_id: the confirming official; must differ from the one who counted.
        seen: the ``fingerprint`` of the counts as shown to them.

    Returns:
        The counts, now ``confirmed``.

    Raises:
        ServiceError: ``count_missing``, ``count_same_official``,
            ``count_not_computed`` or ``count_changed``.
    """
    counts = counts_of(session, round_.id)
    if not counts:
        raise ServiceError("count_missing")
    if any(c.counted_by == actor_id for c in counts):
        raise ServiceError("count_same_official")
    if any(c.status != "computed" for c in counts):
        raise ServiceError("count_not_computed")
    if not secrets.compare_digest(fingerprint(counts), seen or ""):
        raise ServiceError("count_changed")
    # Guarded so that two officials confirming at once cannot both succeed.
    changed = session.exec(
        update(QuestionCount).where(QuestionCount.round_id == round_.id,
                                    QuestionCount.status == "computed",
                                    QuestionCount.counted_by != actor_id)
        .values(status="confirmed", confirmed_by=actor_id, confirmed_at=utcnow())).rowcount
    if changed != len(counts):
        session.rollback()
        raise ServiceError("count_not_computed")
    audit.record(session, "count.confirmed", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={"fingerprint": seen,
                                                  "counted_by": counts[0].counted_by})
    session.commit()
    return counts_of(session, round_.id)


def publish(session: Session, round_: Round, actor_id: int) -> Round:
    """Publishes a confirmed count; the round moves to ``published``.

    Raises:
        ServiceError: ``count_missing``, ``count_not_confirmed`` or ``count_published``.
    """
    counts = counts_of(session, round_.id)
    if not counts:
        raise ServiceError("count_missing")
    if any(c.status == "published" for c in counts) or round_.phase == "published":
        raise ServiceError("count_published")
    if any(c.status != "confirmed" for c in counts):
        raise ServiceError("count_not_confirmed")
    changed = session.exec(
        update(QuestionCount).where(QuestionCount.round_id == round_.id,
                                    QuestionCount.status == "confirmed")
        .values(status="published", published_by=actor_id, published_at=utcnow())).rowcount
    if changed != len(counts):
        session.rollback()
        raise ServiceError("count_published")
    audit.record(session, "count.published", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id,
                 details={"questions": [c.question_id for c in counts]})
    # advance_phase logs the phase move and commits both together.
    return rounds.advance_phase(session, round_, "published", actor_id=actor_id,
                                last="published")


def discard_count(session: Session, round_: Round, actor_id: int, reason: str) -> None:
    """Throws away an unpublished count so that the round can be counted again.

    The audit log keeps what was discarded (seed, result digests, reason), and
    the results page says how many counts were discarded, so recounting until
    the lottery suits someone cannot go unnoticed.

    Raises:
        ServiceError: ``count_missing``, ``count_published`` or ``count_reason``.
    """
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ServiceError("count_reason")
    counts = counts_of(session, round_.id)
    if not counts:
        raise ServiceError("count_missing")
    if any(c.status == "published" for c in counts) or round_.phase == "published":
        raise ServiceError("count_published")
    audit.record(session, "count.discarded", actor_id=actor_id, round_id=round_.id,
                 wijk_id=round_.wijk_id, details={
                     "reason": reason, "seed": counts[0].seed, "status": counts[0].status,
                     "counted_by": counts[0].counted_by,
                     "results_sha256": {str(c.question_id): sha256(c.result_json.encode())
                                        for c in counts}})
    for count in counts:
        session.delete(count)
    session.commit()


def discarded(session: Session, round_id: int) -> int:
    """How many counts of a round were discarded (shown with the published result)."""
    return int(session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.round_id == round_id, AuditEvent.action == "count.discarded")).one())


def published_counts(session: Session, round_: Round) -> list[QuestionCount]:
    """The round's counts once published; empty before (results stay hidden)."""
    if round_.phase not in ("published", "archived"):
        return []
    return [c for c in counts_of(session, round_.id) if c.status == "published"]


def turnout(session: Session, round_id: int) -> tuple[int, int]:
    """Ballots stored and stemcodes issued for a round."""
    ballots = session.exec(select(func.count()).select_from(Ballot)
                           .where(Ballot.round_id == round_id)).one()
    codes = session.exec(select(func.count()).select_from(Stemcode)
                         .where(Stemcode.round_id == round_id)).one()
    return int(ballots), int(codes)
