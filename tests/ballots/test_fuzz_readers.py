"""Hostile files for the readers: real reference files, mutated, load or fail with a line.

Structured mutations of the shared reference files (truncation, duplicated,
dropped and swapped lines, flipped bytes, huge and negative numbers, unknown
ids, sections out of order, CRLF, BOM, invalid UTF-8) and random text: every
input either loads or raises ``FormatError`` whose ``line`` lies within the
file. Nothing else may escape, and no input may take long (hypothesis deadline).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ballots.errors import FormatError
from ballots.formats.ballot_csv import read_ballot_csv
from ballots.formats.blt import read_blt
from ballots.formats.pabulib import read_pb
from tests.refdata import PB, RANKED

# Small real files keep every example fast; larger ones get a few fixed mutations.
SMALL_PB = ("Netherlands_Amsterdam_643.pb", "Netherlands_Assen_2024.pb",
            "Poland_Czestochowa_2020_Grabowka.pb", "Switzerland_Zurich_D5.pb")
BIG_FILES = (PB / "Poland_Krakow_2024_Swoszowice.pb", PB / "Netherlands_Amsterdam_588.pb",
             RANKED / "portland_2024_district1.blt")
HUGE = ("9" * 40, "-7", "-999999999999999999", "1e308", "0", "99999999999999999999.99",
        "nan", "-0.01")
SECTIONS = (b"META", b"PROJECTS", b"VOTES")
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=3),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _ranked_csv() -> bytes:
    """A ranked ballot CSV built from the first 300 ballots of the Ballina BLT file."""
    election = read_blt(RANKED / "nswla_ballina_2015.blt")
    names = election.profile.options
    width = election.profile.rankings.shape[1]
    lines = [",".join(f"rank_{i}" for i in range(1, width + 1))]
    for ballot, count in election.profile.ballots():
        cells = [names[o] for o in ballot] + [""] * (width - len(ballot))
        lines.extend([",".join(cells)] * min(count, 3))
        if len(lines) > 300:
            break
    return ("\n".join(lines) + "\n").encode()


def _points_csv() -> bytes:
    """A points ballot CSV built from the Zurich cumulative .pb file's projects."""
    election = read_pb(PB / "Switzerland_Zurich_D5.pb")
    dense = election.profile.matrix.toarray()[:200]
    rows = [",".join(p.id for p in election.projects)]
    rows += [",".join(str(v) if v else "" for v in marks) for marks in dense]
    return ("\n".join(rows) + "\n").encode()


READERS: dict[str, Callable[[io.BytesIO], object]] = {
    "pb": read_pb,
    "blt": read_blt,
    "csv-ranked": lambda f: read_ballot_csv(f, kind="ranked"),
    "csv-points": lambda f: read_ballot_csv(f, kind="points"),
    "csv-approval": lambda f: read_ballot_csv(f, kind="approval"),
}
SAMPLES: dict[str, list[bytes]] = {
    "pb": [(PB / name).read_bytes() for name in SMALL_PB],
    "blt": [(RANKED / "nswla_ballina_2015.blt").read_bytes()],
    "csv-ranked": [_ranked_csv()],
    "csv-points": [_points_csv()],
    "csv-approval": [b"a,b,c\nx,,x\n1,1,\n,,\n0,x,1\n"],
}


def load_or_format_error(name: str, data: bytes) -> None:
    """Reads ``data``; a FormatError must name a line of the file, nothing else may escape."""
    try:
        READERS[name](io.BytesIO(data))
    except FormatError as error:
        n_lines = max(1, len(re.split(rb"\r\n|\r|\n", data)))
        assert error.line is not None, f"no line number: {error}"
        assert 1 <= error.line <= n_lines, f"line {error.line} of {n_lines}: {error}"
        assert error.reason


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def truncate(data: bytes, at: int, _arg: int) -> bytes:
    """The file cut off at byte ``at``."""
    return data[: at % (len(data) + 1)]


def duplicate_line(data: bytes, at: int, times: int) -> bytes:
    """One line repeated."""
    lines = _lines(data)
    i = at % len(lines)
    return b"".join(lines[:i] + [lines[i]] * (2 + times % 3) + lines[i + 1:])


def drop_line(data: bytes, at: int, _arg: int) -> bytes:
    """One line removed."""
    lines = _lines(data)
    i = at % len(lines)
    return b"".join(lines[:i] + lines[i + 1:])


def swap_lines(data: bytes, at: int, other: int) -> bytes:
    """Two lines swapped."""
    lines = _lines(data)
    i, j = at % len(lines), other % len(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def flip_byte(data: bytes, at: int, bits: int) -> bytes:
    """One byte XOR-ed with a non-zero value."""
    i = at % len(data)
    return data[:i] + bytes([data[i] ^ (bits % 255 + 1)]) + data[i + 1:]


def huge_number(data: bytes, at: int, which: int) -> bytes:
    """One number (a cost, weight, id, count, points) replaced by a huge or negative one."""
    numbers = list(re.finditer(rb"-?[0-9]+(?:\.[0-9]+)?", data))
    if not numbers:
        return data
    match = numbers[at % len(numbers)]
    return data[: match.start()] + HUGE[which % len(HUGE)].encode() + data[match.end():]


def unknown_id(data: bytes, at: int, _arg: int) -> bytes:
    """One id-like token (a digit run after a separator) replaced by an id nobody has."""
    tokens = list(re.finditer(rb"(?<=[;, \n])[0-9]+(?=[;, \n])", data))
    if not tokens:
        return data
    match = tokens[at % len(tokens)]
    return data[: match.start()] + b"31337" + data[match.end():]


def swap_sections(data: bytes, at: int, other: int) -> bytes:
    """Two section names of a .pb file exchanged (wrong section order)."""
    a, b = SECTIONS[at % 3], SECTIONS[other % 3]
    return data.replace(a, b"\0").replace(b, a).replace(b"\0", b)


def crlf_bom(data: bytes, at: int, _arg: int) -> bytes:
    """Windows line ends, with a UTF-8 BOM in front on odd ``at``."""
    text = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return (b"\xef\xbb\xbf" + text) if at % 2 else text


def bad_utf8(data: bytes, at: int, which: int) -> bytes:
    """A byte sequence that is not UTF-8 inserted somewhere."""
    junk = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x80abc")[which % 5]
    i = at % (len(data) + 1)
    return data[:i] + junk + data[i:]


def insert_junk(data: bytes, at: int, which: int) -> bytes:
    """Separators, quotes, NUL and control characters inserted somewhere."""
    junk = (b'"', b";;", b",,,", b"\x00", b"\r", b"\n\n", b'"\n"', b"=", b"#")[which % 9]
    i = at % (len(data) + 1)
    return data[:i] + junk + data[i:]


MUTATIONS = (truncate, duplicate_line, drop_line, swap_lines, flip_byte, huge_number,
             unknown_id, swap_sections, crlf_bom, bad_utf8, insert_junk)


def mutated(name: str) -> st.SearchStrategy[bytes]:
    """A reference sample of reader ``name`` with one to three structured mutations."""
    step = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 2**20), st.integers(0, 2**10))

    def apply(args: tuple[bytes, list]) -> bytes:
        data, steps = args
        for mutate, at, arg in steps:
            if data:
                data = mutate(data, at, arg)
        return data

    return st.tuples(st.sampled_from(SAMPLES[name]),
                     st.lists(step, min_size=1, max_size=3)).map(apply)


@pytest.mark.parametrize("name", READERS)
def test_the_samples_load(name: str) -> None:
    for data in SAMPLES[name]:
        assert READERS[name](io.BytesIO(data)) is not None


@pytest.mark.parametrize("name", READERS)
@FUZZ
@given(data=st.data())
def test_mutated_reference_files_load_or_name_a_line(name: str, data: st.DataObject) -> None:
    load_or_format_error(name, data.draw(mutated(name)))


@pytest.mark.parametrize("name", READERS)
@FUZZ
@given(raw=st.one_of(st.binary(max_size=300),
                     st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_input_loads_or_names_a_line(name: str, raw: bytes) -> None:
    load_or_format_error(name, raw)


@pytest.mark.parametrize("path", BIG_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("mutate", (truncate, duplicate_line, flip_byte, bad_utf8, huge_number),
                         ids=lambda m: m.__name__)
def test_large_reference_files_mutated(path: Path, mutate) -> None:
    """A few fixed mutations deep inside the big files (their fast paths) name a line."""
    data = path.read_bytes()
    name = "pb" if path.suffix == ".pb" else "blt"
    at = len(data) * 2 // 3
    load_or_format_error(name, mutate(data, at, 7))


@pytest.mark.parametrize(("name", "text", "line"), [
    ("pb", "PROJECTS\nproject_id;cost\n", 1),  # sections in the wrong order
    ("pb", "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;-5\n"
           "VOTES\nvoter_id;vote\n1;1\n", 6),  # negative cost
    ("pb", "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n"
           "VOTES\nvoter_id;vote\n1;1\n2;7\n", 10),  # unknown project id
    ("pb", "META\nkey;value\nvote_type;approval\nnum_votes;" + "9" * 30 + "\n", 4),
    ("blt", "2 1\n" + "9" * 40 + " 1 0\n0\n\"A\"\n\"B\"\n", 2),  # huge weight
    ("blt", "2 1\n1 3 0\n0\n\"A\"\n\"B\"\n", 2),  # unknown candidate
    # regression: str.splitlines cut at the vertical tab, so the error named line 2
    ("blt", "\x0b\x00", 1),
    ("blt", "2 1\x0c\n1 3 0\n0\n\"A\"\n\"B\"\n", 2),
    ("csv-ranked", "rank_1,rank_2\r\na,\r\n,b\r\n", 3),  # gap, CRLF
    ("csv-points", "\ufeffa,b\n1,-2\n", 2),  # BOM, negative points
])
def test_known_hostile_files(name: str, text: str, line: int) -> None:
    with pytest.raises(FormatError) as raised:
        READERS[name](io.BytesIO(text.encode()))
    assert raised.value.line == line


@pytest.mark.parametrize("name", READERS)
@example(size=200_000)
@settings(max_examples=3, deadline=timedelta(seconds=5))
@given(size=st.integers(1_000, 200_000))
def test_one_huge_line_is_quick(name: str, size: int) -> None:
    """A single enormous field (beyond csv's field limit) is an error with a line, fast."""
    load_or_format_error(name, SAMPLES[name][0][:40] + b"x" * size + b"\n")
