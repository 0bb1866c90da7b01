"""Online ballots: the round's questions with their specs, validation, and casting.

Answers are kept in database ids (initiative ids) as described on
``app.models.voting.Ballot``; for validation each question's options (the
round's admitted initiatives, sorted by id) are numbered 0..n-1 and the answer
is checked by the question's spec from ``ballots.specs``.

Casting is one transaction: mark the code used (``WHERE used = false`` must hit
exactly one row), insert the ballot, commit. On PostgreSQL both are one statement
(a data-modifying WITH). Nothing else is written: no audit event, no timestamp,
nothing that could tie the ballot to its code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, false, func, insert, literal_column, or_, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.cache import app_cache, ballot_cache_seconds
from app.models import Ballot, CostLine, Initiative, Question, Round, Stemcode, Wijk
from app.models.voting import new_ballot_id
from app.services.errors import MESSAGES, ServiceError, message_for
from app.services.rounds import budget_cents
from app.services.stemcodes import local_today
from app.templating import euros
from ballots.errors import BallotError
from ballots.specs import ApprovalSpec, BallotSpec, KnapsackSpec, PointsSpec, RankedSpec, YesNoSpec

MESSAGES.update({
    "busy": _l("It is very busy right now and your vote could not be stored. Your code "
               "has not been used: please try again in a moment."),
    "ballot.malformed": _l("This answer cannot be read. Please fill it in again."),
    "ballot.empty": _l("Choose at least %(minimum)s."),
    "ballot.empty_yes_no": _l("Choose yes or no."),
    "ballot.empty_points": _l("Give at least one point."),
    "ballot.too_few": _l("Choose at least %(limit)s (you chose %(count)s)."),
    "ballot.too_many": _l("Choose at most %(limit)s (you chose %(count)s)."),
    "ballot.duplicate": _l("You chose %(option)s more than once."),
    "ballot.unknown_option": _l("One of your choices is not an option of this question."),
    "ballot.over_budget": _l("Too expensive: %(excess)s over the budget of %(limit)s."),
    "ballot.points_total": _l("Divide at most %(limit)s points (you gave %(total)s)."),
    "ballot.points_total_exact": _l("Divide exactly %(limit)s points (you gave %(total)s)."),
    "ballot.negative_points": _l("%(option)s cannot get fewer than 0 points."),
    "ballot.points_per_option": _l("%(option)s can get at most %(limit)s points."),
    "ballot.not_yes_no": _l("Choose yes or no."),
})


CACHE = "wijkstem_ballots"  # app.extensions key of the ballots reused during voting


@dataclass(frozen=True)
class Option:
    """An admitted initiative as a ballot option; ``cost_cents`` is the municipal share."""

    id: int
    title: str
    cost_cents: int


@dataclass(frozen=True)
class BallotQuestion:
    """A question of the round with its options (numbered 0..n-1 in the spec) and spec."""

    question: Question
    options: tuple[Option, ...]
    spec: BallotSpec


def admitted_options(session: Session, round_id: int) -> tuple[Option, ...]:
    """The round's admitted initiatives, sorted by id, with their municipal cost."""
    # One query of plain columns: every ballot page and every cast reads this, and ORM
    # objects for the initiatives plus a second query for the costs cost twice the time.
    cost = (select(func.coalesce(func.sum(CostLine.amount_cents), 0))
            .where(CostLine.initiative_id == Initiative.id).scalar_subquery())
    rows = session.exec(select(Initiative.id, Initiative.title, Initiative.cofinancing_cents, cost)
                        .where(Initiative.round_id == round_id, Initiative.status == "admitted")
                        .order_by(Initiative.id)).all()
    return tuple(Option(id_, title, max(0, int(total) - cofinancing))
                 for id_, title, cofinancing, total in rows)


def _labels(options: tuple[Option, ...]) -> tuple[str, ...]:
    """Distinct labels for the spec (titles; a repeated title gets its id added)."""
    titles = [o.title for o in options]
    return tuple(o.title if titles.count(o.title) == 1 else f"{o.title} (#{o.id})"
                 for o in options)


def make_spec(question: Question, options: tuple[Option, ...], budget: int) -> BallotSpec:
    """The spec from ``ballots.specs`` that validates answers to ``question``.

    Args:
        question: the question (kind, k, points).
        options: its options in spec order.
        budget: the round's budget in cents (the knapsack limit).

    Returns:
        e.g. ``RankedSpec(labels, max_length=3)`` for a Wijktop-3 question.
    """
    labels = _labels(options)
    if question.kind == "ranked":
        return RankedSpec(labels, max_length=question.max_choices)
    if question.kind == "approval":
        return ApprovalSpec(labels, max_length=question.max_choices)
    if question.kind == "knapsack":
        return KnapsackSpec(labels, costs=tuple(o.cost_cents for o in options), limit=budget)
    if question.kind == "points":
        return PointsSpec(labels, total=question.points_total or 1)
    return YesNoSpec(question.text)


def ballot_questions(session: Session, round_: Round,
                     wijk: Wijk | None = None) -> list[BallotQuestion]:
    """Every question of the round, in order, with its options and spec.

    While a round is in its voting phase its ballot cannot change (its settings are
    frozen and initiatives are no longer reviewed), yet every page of every voter needs
    it: a worker then reuses it for ``BALLOT_CACHE_SECONDS`` (5), keyed by round and
    budget (the budget follows the wijk's inhabitants, which an administrator may edit).
    That saves about a quarter of a voter's CPU time (measured with scripts/bench_web).
    A caller that holds the round's ``wijk`` passes it (the session's identity map
    keeps objects only while someone holds them: a second look-up reads it again).
    """
    budget = budget_cents(round_, wijk or session.get(Wijk, round_.wijk_id))
    if round_.phase != "voting" or not has_app_context() or ballot_cache_seconds() <= 0:
        return _build_questions(session, round_, budget, detach=False)
    items = app_cache(CACHE).get((round_.id, budget),
                                 lambda: tuple(_build_questions(session, round_, budget,
                                                                detach=True)),
                                 ballot_cache_seconds())
    return list(items)


def _build_questions(session: Session, round_: Round, budget: int,
                     detach: bool) -> list[BallotQuestion]:
    """The round's ballot read from the database; ``detach`` copies the questions out of
    the session, so that a commit in this request cannot expire what others reuse."""
    options = admitted_options(session, round_.id)
    found = session.exec(select(Question).where(Question.round_id == round_.id)
                         .order_by(Question.position, Question.id)).all()
    if detach:
        found = [Question(**q.model_dump()) for q in found]
    return [BallotQuestion(q, () if q.kind == "yesno" else options,
                           make_spec(q, () if q.kind == "yesno" else options, budget))
            for q in found]


def _index(item: BallotQuestion, option_id: Any) -> int:
    """The spec's number of an option given by initiative id."""
    for number, option in enumerate(item.options):
        if option.id == option_id:
            return number
    raise BallotError("unknown_option", f"{option_id!r} is not an option",
                      option=repr(option_id), n_options=len(item.options))


def to_spec_ballot(item: BallotQuestion, answer: Any) -> Any:
    """An answer in initiative ids as the spec's ballot in option numbers."""
    kind = item.question.kind
    if kind == "yesno":
        return answer
    if kind == "points":
        if not isinstance(answer, Mapping):
            raise BallotError("malformed", "not a mapping", kind="points", value=repr(answer))
        return {_index(item, key): points for key, points in answer.items()}
    if not isinstance(answer, list | tuple):
        raise BallotError("malformed", "not a list", kind=kind, value=repr(answer))
    return [_index(item, option_id) for option_id in answer]


def check_answers(items: list[BallotQuestion],
                  answers: Mapping[int, Any]) -> dict[int, BallotError]:
    """Validates every question's answer with its spec.

    Args:
        items: the round's ballot questions.
        answers: question id -> answer in initiative ids (None when unanswered).

    Returns:
        The errors by question id; empty when the whole ballot is valid,
        e.g. ``{3: BallotError("too_many", ..., count=4, limit=3)}``.
    """
    errors: dict[int, BallotError] = {}
    for item in items:
        try:
            answer = answers.get(item.question.id)
            if answer is None and item.question.kind != "yesno":
                raise BallotError("empty", "no answer", minimum=1)
            item.spec.validate(to_spec_ballot(item, answer))
        except BallotError as error:
            errors[item.question.id] = error
    return errors


def ballot_message(item: BallotQuestion, error: BallotError) -> str:
    """The translated reason why an answer to ``item`` is not valid.

    Args:
        item: the question.
        error: what its spec raised.

    Returns:
        e.g. "Kies maximaal 3 (u koos er 4)." or "Te duur: € 1.200,00 boven het budget ...".
    """
    code, params = error.code, dict(error.params)
    if code == "empty" and item.question.kind in ("yesno", "points"):
        code = "empty_yes_no" if item.question.kind == "yesno" else "empty_points"
    if code == "points_total" and params.get("exact"):
        code = "points_total_exact"
    if code == "over_budget":
        params = {**params, "excess": euros(params["excess"]), "limit": euros(params["limit"])}
    return message_for("ballot." + code, params)


def encode_answers(answers: Mapping[int, Any]) -> str:
    """Canonical JSON of a valid ballot's answers (the ``Ballot.answers`` format).

    Example:
        ``encode_answers({4: "yes", 3: [12, 7]}) == '{"3":[12,7],"4":"yes"}'``.
    """
    plain: dict[str, Any] = {}
    for question_id, answer in answers.items():
        if isinstance(answer, Mapping):
            answer = {str(k): int(v) for k, v in answer.items() if int(v) > 0}
        elif isinstance(answer, list | tuple):
            answer = [int(v) for v in answer]
        plain[str(question_id)] = answer
    return json.dumps(plain, sort_keys=True, separators=(",", ":"))


# Casting writes with plain SQL statements on the session's connection: the ORM's
# unit of work and its bulk UPDATE bookkeeping took a third of a cast's CPU time
# (py-spy on scripts/bench_web) and no object needs to live on afterwards.
# They are built once, with bound parameters.
STEMCODES, BALLOTS, ROUNDS = Stemcode.__table__, Ballot.__table__, Round.__table__
# The code is used only while its round takes votes (phase and dates checked in the same
# statement): pages may have read the round a few seconds ago (stemcodes.open_code).
TAKES_VOTES = (exists().where(
    ROUNDS.c.id == bindparam("round"), ROUNDS.c.phase == "voting",
    or_(ROUNDS.c.voting_start.is_(None), ROUNDS.c.voting_start <= bindparam("today")),
    or_(ROUNDS.c.voting_end.is_(None), ROUNDS.c.voting_end >= bindparam("today"))))
MARK_USED = (update(STEMCODES)
             .where(STEMCODES.c.code_hash == bindparam("digest"),
                    STEMCODES.c.round_id == bindparam("round"), STEMCODES.c.used == false(),
                    TAKES_VOTES)
             .values(used=True))
CODE_USED = select(STEMCODES.c.used).where(STEMCODES.c.code_hash == bindparam("digest"))
INSERT_BALLOT = insert(BALLOTS).values(id=bindparam("id"), round_id=bindparam("round"),
                                       channel="online", answers=bindparam("answers"))
# PostgreSQL: the same UPDATE and INSERT as one statement, atomic on its own; the ballot
# row exists only if the UPDATE returned the code's row. Three round trips fewer per cast
# than UPDATE, INSERT, COMMIT in a transaction (scripts/bench_web --postgres).
_USED = MARK_USED.returning(STEMCODES.c.round_id).cte("used")
CAST_IN_ONE = insert(BALLOTS).from_select(
    ["id", "round_id", "channel", "answers"],
    select(bindparam("ballot_id", type_=BALLOTS.c.id.type), _USED.c.round_id,
           literal_column("'online'"), bindparam("ballot_answers", type_=BALLOTS.c.answers.type)),
).execution_options(preserve_rowcount=True)  # an INSERT's rowcount is kept only when asked


def _mark_used(session: Session, round_id: int, digest: str) -> int:
    """Marks an unused code of a round that takes votes today used; returns the number
    of rows changed (1 or 0)."""
    return session.connection().execute(MARK_USED, {"digest": digest, "round": round_id,
                                                    "today": local_today()}).rowcount


def _insert_ballot(session: Session, round_id: int, answers: str) -> None:
    """Inserts the online ballot (a random id, no timestamp)."""
    session.connection().execute(INSERT_BALLOT, {"id": new_ballot_id(), "round": round_id,
                                                 "answers": answers})


def _write_ballot(session: Session, round_id: int, digest: str, answers: str) -> int:
    """Marks the code used and inserts its ballot, in the session's transaction; returns
    the number of ballots written (0: the code was used or its round closed meanwhile)."""
    if session.get_bind().dialect.name == "postgresql":
        return session.connection().execute(CAST_IN_ONE, {
            "digest": digest, "round": round_id, "today": local_today(),
            "ballot_id": new_ballot_id(), "ballot_answers": answers}).rowcount
    if _mark_used(session, round_id, digest) != 1:
        return 0
    _insert_ballot(session, round_id, answers)
    return 1


def cast_ballot(session: Session, round_id: int, digest: str,
                answers: Mapping[int, Any]) -> None:
    """Stores an online ballot and uses its code, both or neither.

    Args:
        session: a database session with no transaction of its own pending.
        round_id: the code's round.
        digest: the code's keyed hash.
        answers: the validated answers (question id -> answer in initiative ids).

    Raises:
        ServiceError: ``code_used`` when the code was used meanwhile, ``code_not_open``
            when its round stopped taking votes (nothing stored either way); ``busy``
            when the database could not take the write (the code stays usable).
    """
    # Start clean on SQLite: the UPDATE must open the transaction, or a reader's snapshot
    # could not be upgraded to a write lock and the busy timeout would not apply.
    # PostgreSQL (read committed) writes in whatever transaction read the code, or with
    # none in the voting flow (app.db.statements_commit_alone): its one statement
    # re-checks the row when another transaction changed it meanwhile.
    if session.get_bind().dialect.name == "sqlite":
        session.rollback()
    try:
        if _write_ballot(session, round_id, digest, encode_answers(answers)) == 1:
            session.commit()
            return
    except OperationalError:
        session.rollback()
        raise ServiceError("busy") from None
    except BaseException:
        session.rollback()
        raise
    session.rollback()
    used = session.connection().execute(CODE_USED, {"digest": digest}).scalar()
    session.rollback()
    raise ServiceError({True: "code_used", False: "code_not_open"}.get(used, "code_unknown"))


def describe(item: BallotQuestion, answer: Any) -> list[str]:
    """Readable lines of an answer for the review page (titles, points, yes/no)."""
    titles = {o.id: o.title for o in item.options}
    kind = item.question.kind
    if kind == "yesno":
        return [str(_l("Yes") if answer == "yes" else _l("No"))]
    if kind == "points":
        return [f"{titles[k]}: {v}" for k, v in answer.items() if v]
    if kind == "ranked":
        return [f"{n}. {titles[k]}" for n, k in enumerate(answer, start=1)]
    return [titles[k] for k in answer]

