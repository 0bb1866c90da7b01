"""Hostile inhabitants CSV files: any upload imports or is rejected with line numbers.

``wijken_import.parse`` gets random bytes and structured mutations of a realistic
file (truncation, duplicated and swapped lines, flipped bytes, huge and negative
counts, CRLF, BOM, Windows-1252, invalid UTF-8, quotes, NUL, overlong fields):
it returns rows or raises ``ImportRejected`` whose every error names a line of
the file, never anything else, and quickly. A few hostile files also go through
the real import on both databases: rejected ones change nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.services import wijken_import
from app.services.wijken_import import ImportRejected, parse
from tests.app.conftest import snapshot

SAMPLE = ("\ufeffwijk;code;inwoners;stadsdeel;postcodes\n"
          "Paddepoel;WK001401;9 120;Noordwest;9742 9743\n"
          "Selwerd;WK001402;8.000;Noordwest;\n"
          "\"Oude Wijk; centrum\";WK001403;12345;Centrum;9711, 9712AB\n"
          "Hoogkerk-Zuid;;4321;West;9744\n").encode()
HUGE = (b"9" * 40, b"-4", b"99999999999", b"1e9", b"0", b"1.2345", b"\xc2\xa0")
FUZZ = settings(max_examples=120, deadline=timedelta(seconds=3),
                suppress_health_check=[HealthCheck.too_slow])


def parse_or_reject(data: bytes) -> None:
    """Parses ``data``; a rejection must give at least one error, each on a line of the file."""
    try:
        rows = parse(data, "Stadsdeel A")
    except ImportRejected as rejected:
        n_lines = max(1, len(re.split(rb"\r\n|\r|\n", data)))
        assert rejected.errors
        for error in rejected.errors:
            assert isinstance(error.line, int) and 1 <= error.line <= n_lines, error
            assert error.code
        return
    for line, values in rows:
        assert 2 <= line and values["name"] and 0 <= values["inhabitants"] <= 10_000_000


def mutate(data: bytes, kind: int, at: int, arg: int) -> bytes:
    """One structured mutation of the file, chosen by ``kind``."""
    lines = data.splitlines(keepends=True) or [b""]
    i, j = at % len(lines), arg % len(lines)
    if kind == 0:  # truncate
        return data[: at % (len(data) + 1)]
    if kind == 1:  # duplicate a line
        return b"".join(lines[:i] + [lines[i]] * 2 + lines[i:])
    if kind == 2:  # swap two lines (the header may move down)
        lines[i], lines[j] = lines[j], lines[i]
        return b"".join(lines)
    if kind == 3:  # flip a byte
        k = at % max(len(data), 1)
        return data[:k] + bytes([data[k] ^ (arg % 255 + 1)]) + data[k + 1:] if data else data
    if kind == 4:  # a huge, negative or odd number in place of a number
        numbers = list(re.finditer(rb"[0-9]+", data))
        if not numbers:
            return data
        match = numbers[at % len(numbers)]
        return data[: match.start()] + HUGE[arg % len(HUGE)] + data[match.end():]
    if kind == 5:  # Windows: CRLF and cp1252
        return data.decode("utf-8", "replace").replace("\n", "\r\n").encode("cp1252", "replace")
    if kind == 6:  # bytes that are not text, or separators and quotes
        junk = (b"\xff\x81", b"\x00", b'"', b";;;", b"\t", b"\r", b'"\n"', b"\x8d")[arg % 8]
        k = at % (len(data) + 1)
        return data[:k] + junk + data[k:]
    # an overlong cell (beyond csv's field size limit) somewhere
    k = at % (len(data) + 1)
    return data[:k] + b"x" * (140_000 if arg % 2 else 500) + data[k:]


@FUZZ
@given(steps=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 2**16),
                                st.integers(0, 2**10)), min_size=1, max_size=3))
def test_mutated_files_import_or_are_rejected_with_lines(steps) -> None:
    data = SAMPLE
    for kind, at, arg in steps:
        data = mutate(data, kind, at, arg)
    parse_or_reject(data)


@FUZZ
@given(raw=st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.lists(st.text(st.characters(codec="utf-8"), max_size=12), max_size=6),
             max_size=8).map(lambda rows: "\n".join(";".join(r) for r in rows).encode()),
))
@example(raw=b"wijk;inwoners\n" + b"x" * 200_000 + b";1\n")
@example(raw=b"x" * 200_000 + b";inwoners\n")  # regression: huge header cell -> csv.Error
@example(raw=b'"wijk;inwoners\n')
def test_random_files_import_or_are_rejected_with_lines(raw: bytes) -> None:
    parse_or_reject(raw)


def test_the_sample_parses() -> None:
    rows = parse(SAMPLE, None)
    assert [values["name"] for _line, values in rows] == [
        "Paddepoel", "Selwerd", "Oude Wijk; centrum", "Hoogkerk-Zuid"]
    assert [line for line, _values in rows] == [2, 3, 4, 5]


def test_a_huge_header_cell_is_rejected_on_line_1() -> None:
    """Regression: csv's field size limit in the header raised csv.Error (a 500)."""
    with pytest.raises(ImportRejected) as rejected:
        parse(b"x" * 200_000 + b";inwoners\nA;1\n", None)
    assert [error.line for error in rejected.value.errors] == [1]


@pytest.mark.parametrize("content", [
    # 600 postcodes: more than the 2000 characters the column holds
    "wijk;inwoners;stadsdeel;postcodes\nVeel;10;Stadsdeel A;"
    + " ".join(f"{n}AB" for n in range(1000, 1600)) + "\n",
    "wijk;inwoners;stadsdeel\n" + "".join(f"W{n};{n};Stadsdeel A\n" for n in range(300))
    + "W7;1;Stadsdeel A\n",  # duplicate at the end
    "wijk;code;inwoners;stadsdeel\nWijk A1;WK9B1;5;Stadsdeel A\n",  # code of another wijk
])
def test_hostile_files_through_the_real_import(app, db, content: str) -> None:
    """Rejected files change nothing on SQLite and PostgreSQL; no database error escapes."""
    before = snapshot(app)
    with app.app_context(), pytest.raises(ImportRejected) as rejected:
        wijken_import.import_wijken(db, content.encode())
    assert all(error.line >= 2 for error in rejected.value.errors)
    db.rollback()
    assert snapshot(app) == before
