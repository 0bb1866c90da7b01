"""Hostile CSV batches of paper ballots: any upload is read or refused with line numbers.

``paper_csv.read_batch`` gets, for a question of every kind, random bytes and
structured mutations of the example file the page shows (truncation, duplicated
and swapped lines, flipped bytes, odd numbers, CRLF and Windows-1252, quotes,
NUL, separators, overlong cells): it returns answers that the question's own
check accepts, or raises ``BatchRejected`` whose every problem names a line of
the file with a message, never anything else, and quickly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.db import EXTENSION
from app.models import Round
from app.services.ballots import BallotQuestion, ballot_questions, check_answers
from app.services.paper_csv import BatchRejected, read_batch
from app.services.paper_csv import example as example_file
from tests.app.test_fuzz_inhabitants import mutate
from tests.app.vote_world import open_round

pytestmark = pytest.mark.sqlite_only  # the reader touches no database

FUZZ = settings(max_examples=60, deadline=timedelta(seconds=3),
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])
KINDS = ("ranked", "approval", "knapsack", "points", "yesno")


@pytest.fixture
def questions(app: Flask, world: dict[str, int]) -> Iterator[dict[str, BallotQuestion]]:
    """The voting round's questions by kind, inside a request (messages are translated)."""
    setup = open_round(app, world, every_kind=True)
    with app.test_request_context(), Session(app.extensions[EXTENSION]) as session:
        items = ballot_questions(session, session.get(Round, setup["round_id"]))
        yield {item.question.kind: item for item in items}


def read_or_refuse(item: BallotQuestion, data: bytes) -> None:
    """Reads ``data``: good answers, or problems each on a line of the file."""
    try:
        answers = read_batch(item, data)
    except BatchRejected as rejected:
        n_lines = max(1, len(re.split(rb"\r\n|\r|\n", data)))
        assert rejected.problems
        for problem in rejected.problems:
            assert isinstance(problem.line, int) and 1 <= problem.line <= n_lines, problem
            assert str(problem.message).strip()
        return
    assert answers
    qid = item.question.id
    for answer in answers:
        assert check_answers([item], {qid: answer}) == {}, answer


def steps_strategy() -> Any:
    """One to three mutations (kind, position, argument) of ``mutate``."""
    return st.lists(st.tuples(st.integers(0, 7), st.integers(0, 2**16), st.integers(0, 2**10)),
                    min_size=1, max_size=3)


@pytest.mark.parametrize("kind", KINDS)
def test_the_example_file_reads(questions: dict[str, BallotQuestion], kind: str) -> None:
    item = questions[kind]
    answers = read_batch(item, example_file(item).encode())
    assert answers and all(check_answers([item], {item.question.id: a}) == {} for a in answers)


@pytest.mark.parametrize("kind", KINDS)
def test_mutated_example_files_are_read_or_refused_with_lines(
        questions: dict[str, BallotQuestion], kind: str) -> None:
    item = questions[kind]
    sample = example_file(item).encode()

    @FUZZ
    @given(steps=steps_strategy())
    def check(steps: list[tuple[int, int, int]]) -> None:
        data = sample
        for mutation, at, arg in steps:
            data = mutate(data, mutation, at, arg)
        read_or_refuse(item, data)

    check()


@pytest.mark.parametrize("kind", KINDS)
def test_random_files_are_read_or_refused_with_lines(questions: dict[str, BallotQuestion],
                                                     kind: str) -> None:
    item = questions[kind]
    labels = list(item.spec.labels)
    cells = st.one_of(st.sampled_from(labels + ["x", "1", "0", "yes", "no", "", "-3",
                                                "99999999999", "rank_1", "answer"]),
                      st.text(max_size=10))

    @FUZZ
    @given(raw=st.one_of(
        st.binary(max_size=400),
        st.lists(st.lists(cells, max_size=6), max_size=8).map(
            lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "surrogatepass")),
    ))
    @example(raw=b"x" * 200_000 + b"\n1\n")  # a header cell beyond csv's field limit
    @example(raw=b'"rank_1\n')
    @example(raw=b"\xef\xbb\xbf")
    def check(raw: bytes) -> None:
        read_or_refuse(item, raw)

    check()
