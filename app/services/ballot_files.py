"""Anonymised ballot files of one question, built from the answers of the round's ballots.

A question's ballots become the file that is published and re-tallied:

- budget questions (every Wijktop-3 ranked question, ranked questions with a
  budget rule, approval, knapsack, points): a Pabulib ``.pb`` with the
  admitted initiatives as projects (``project_id`` = initiative id, cost and
  co-financing in euros), the round's budget and ``ordinal``, ``approval`` or
  ``cumulative`` votes;
- ranked questions counted by a ranking rule on a wijkstemdag: a ``.blt``;
- yes/no questions: a ballot ``.csv`` with one ``answer`` column.

The files never show the order of casting: identical ballots are merged and
the distinct ballots are written in sorted order (the profiles of ``ballots/``
do both), so the bytes depend only on the multiset of ballots. Blank answers
(nothing chosen) are left out of the file; the caller counts them.

This module knows nothing of the database: ``Option`` and the plain answers
are all it needs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.services.questions import BUDGET_RULES
from ballots.election import APPROVAL, CUMULATIVE, ORDINAL, PBElection, Project, RankedElection
from ballots.formats.ballot_csv import write_ballot_csv
from ballots.formats.blt import format_blt
from ballots.formats.pabulib import format_pb
from ballots.profile import ApprovalProfile, RankedProfile, merge_rows
from ballots.specs import NO, YES

PB, BLT, CSV = "pb", "blt", "csv"
VOTE_TYPES = {"ranked": ORDINAL, "approval": APPROVAL, "knapsack": APPROVAL, "points": CUMULATIVE}


class BadAnswer(ValueError):
    """A stored answer that does not fit its question (unknown option, wrong shape)."""


@dataclass(frozen=True)
class Option:
    """An admitted initiative as an option: id, title, total cost and co-financing in cents."""

    id: int
    title: str
    cost: int
    cofinancing: int = 0


@dataclass(frozen=True)
class QuestionSetup:
    """What the file needs to know about a question and its round."""

    kind: str
    rule: str
    round_kind: str
    options: tuple[Option, ...]
    budget: int
    max_choices: int | None = None
    points_total: int | None = None
    title: str = ""
    question: str = ""
    wijk: str = ""
    dates: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class BallotFile:
    """A built file: its bytes, its format, the option labels in it and its ballots."""

    format: str
    data: bytes
    labels: dict[str, int]
    n_ballots: int


def file_format(kind: str, rule: str, round_kind: str) -> str:
    """Which file a question's ballots go into.

    Args:
        kind: question kind.
        rule: its tally rule.
        round_kind: ``wijktop3`` or ``wijkstemdag``.

    Returns:
        ``"pb"``, ``"blt"`` or ``"csv"``, e.g. ``file_format("ranked", "irv", "wijkstemdag")
        == "blt"`` and ``file_format("ranked", "points", "wijktop3") == "pb"``.
    """
    if kind == "yesno":
        return CSV
    if kind == "ranked" and round_kind != "wijktop3" and rule not in BUDGET_RULES:
        return BLT
    return PB


def build_file(setup: QuestionSetup, answers: Iterable[Any]) -> BallotFile:
    """The anonymised ballot file of one question.

    Args:
        setup: the question, its options (sorted by id) and its round.
        answers: the answer to this question of every ballot, in initiative ids
            (the ``Ballot.answers`` format); None or empty for a blank answer.

    Returns:
        The file; ``labels`` maps each option label in it to the initiative id.

    Raises:
        BadAnswer: an answer names an option that is not on the ballot.
    """
    answers = list(answers)
    fmt = file_format(setup.kind, setup.rule, setup.round_kind)
    if fmt == CSV:
        return _yes_no_file(answers)
    index = {option.id: number for number, option in enumerate(setup.options)}
    if fmt == BLT:
        return _blt_file(setup, answers, index)
    return _pb_file(setup, answers, index)


def _option_numbers(answer: Any, index: dict[int, int], kind: str) -> list[int]:
    """An answer's options as spec numbers (ranked keeps its order)."""
    if not isinstance(answer, list):
        raise BadAnswer(f"a {kind} answer is a list, not {answer!r}")
    try:
        numbers = [index[value] for value in answer]
    except (KeyError, TypeError):
        raise BadAnswer(f"{answer!r} names an option that is not on the ballot") from None
    if len(set(numbers)) != len(numbers):
        raise BadAnswer(f"{answer!r} names an option twice")
    return numbers


def _ranked_rows(answers: list[Any], index: dict[int, int]) -> list[list[int]]:
    """Non-blank ranked answers as lists of option numbers, best first."""
    return [_option_numbers(a, index, "ranked") for a in answers if a]


def _dense_rows(answers: list[Any], index: dict[int, int], kind: str) -> np.ndarray:
    """Non-blank approval/knapsack/points answers as a voters x options matrix."""
    rows = []
    for answer in answers:
        if not answer:
            continue
        marks = [0] * len(index)
        if kind == "points":
            if not isinstance(answer, dict):
                raise BadAnswer(f"a points answer is an object, not {answer!r}")
            for key, points in answer.items():
                if not str(key).isdigit() or int(key) not in index:
                    raise BadAnswer(f"{key!r} is not an option on the ballot")
                if not isinstance(points, int) or isinstance(points, bool) or points < 0:
                    raise BadAnswer(f"{points!r} is not a number of points")
                marks[index[int(key)]] = points
        else:
            for number in _option_numbers(answer, index, kind):
                marks[number] = 1
        if any(marks):
            rows.append(marks)
    return np.array(rows, np.int64).reshape(-1, len(index))


def _approval_profile(dense: np.ndarray, labels: Sequence[str]) -> ApprovalProfile:
    """Identical rows merged, distinct rows in sorted order."""
    from scipy import sparse

    distinct, counts = merge_rows(dense, np.ones(len(dense), np.int64))
    return ApprovalProfile(sparse.csr_matrix(distinct, shape=(len(distinct), len(labels))),
                           counts, tuple(labels))


def _one_line(text: str) -> str:
    """Text for a one-line field: line breaks become spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _pb_file(setup: QuestionSetup, answers: list[Any], index: dict[int, int]) -> BallotFile:
    """A Pabulib file: projects, budget, META and the merged, sorted votes."""
    labels = [str(option.id) for option in setup.options]
    projects = tuple(Project(id=str(o.id), cost=o.cost, name=_one_line(o.title),
                             cofinancing=min(o.cofinancing, o.cost)) for o in setup.options)
    if setup.kind == "ranked":
        profile: RankedProfile | ApprovalProfile = RankedProfile.from_ballots(
            _ranked_rows(answers, index), labels)
    else:
        profile = _approval_profile(_dense_rows(answers, index, setup.kind), labels)
    vote_type = VOTE_TYPES[setup.kind]
    meta = {
        "description": _one_line(f"{setup.title}: {setup.question}"),
        "country": "Netherlands",
        "unit": _one_line(setup.wijk),
        "instance": _one_line(setup.title),
        "num_projects": str(len(projects)),
        "num_votes": str(profile.n_voters),
        "vote_type": vote_type,
        "rule": setup.rule,
    }
    if setup.dates[0]:
        meta["date_begin"], meta["date_end"] = setup.dates
    meta["currency"] = "EUR"
    if setup.kind in ("ranked", "approval") and setup.max_choices:
        meta["max_length"] = str(setup.max_choices)
    # No max_sum_cost for knapsack ballots: readers check it against the full cost, while
    # the ballot spec (rightly) counts only the municipal share after co-financing.
    if setup.kind == "points" and setup.points_total:
        meta["max_sum_points"] = str(setup.points_total)
    election = PBElection(meta=meta, projects=projects, budget=setup.budget,
                          vote_type=vote_type, profile=profile, currency="EUR")
    return BallotFile(PB, format_pb(election).encode("utf-8"),
                      {label: o.id for label, o in zip(labels, setup.options, strict=True)},
                      profile.n_voters)


def blt_name(option: Option) -> str:
    """A candidate name for a BLT file: the title (no quotes, one line) and the id."""
    return _one_line(option.title.replace('"', "'")) + f" (#{option.id})"


def _blt_file(setup: QuestionSetup, answers: list[Any], index: dict[int, int]) -> BallotFile:
    """A BLT file: STV elects the question's k (at most the number of options), others one."""
    names = [blt_name(option) for option in setup.options]
    profile = RankedProfile.from_ballots(_ranked_rows(answers, index), names)
    seats = max(1, min(setup.max_choices or 1, len(names))) if setup.rule == "stv" else 1
    title = _one_line(f"{setup.title}: {setup.question}".replace('"', "'"))
    text = format_blt(RankedElection(profile, seats, title))
    return BallotFile(BLT, text.encode("utf-8"),
                      {name: o.id for name, o in zip(names, setup.options, strict=True)},
                      profile.n_voters)


def _yes_no_file(answers: list[Any]) -> BallotFile:
    """A ballot CSV of yes/no answers (blank ballots are written as ``blank``)."""
    rows = []
    for answer in answers:
        if answer not in (YES, NO, None, ""):
            raise BadAnswer(f"{answer!r} is not yes or no")
        rows.append([answer == YES, answer == NO])
    profile = _approval_profile(np.array(rows, np.int64).reshape(-1, 2), (YES, NO))
    out = io.StringIO()
    write_ballot_csv(profile, out, kind="yes_no")
    return BallotFile(CSV, out.getvalue().encode("utf-8"), {}, profile.n_voters)
