"""Pabulib ``.pb`` files: read and write participatory-budgeting elections.

A ``.pb`` file has three sections, each a line with its name followed by a
``;``-separated table with a header row (https://pabulib.org/format):

- ``META``: ``key;value`` rows. ``vote_type`` is required (approval, choose-1,
  ordinal, cumulative, scoring); ``budget`` (money), ``currency``,
  ``num_projects``, ``num_votes`` and the ballot limits ``min_length``,
  ``max_length``, ``min_sum_points``, ``max_sum_points``, ``min_points``,
  ``max_points``, ``max_sum_cost`` are checked when present.
- ``PROJECTS``: ``project_id`` and ``cost`` columns; every other column (name,
  votes, score, selected, category...) is kept as text in
  ``PBElection.project_fields``. An optional ``cofinancing`` column (a Wijkstem
  extension, money) fills ``Project.cofinancing``.
- ``VOTES``: a ``vote`` column of comma-separated project ids (in rank order
  for ordinal votes) and, for cumulative and scoring votes, a ``points`` column
  with one integer per project; usually ``voter_id`` and voter data too.

Money is kept exact in integer cents (at most 2 non-zero decimals). Identical
ballots are merged into one profile row with a count, so per-voter columns
(``voter_id``, age, ...) are not kept; their names are in ``voter_fields``.
Every malformed input raises ``FormatError`` naming the line.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import itertools
import os
import re
from collections import Counter
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

import numpy as np

from ballots.election import (
    APPROVAL,
    CHOOSE_1,
    CUMULATIVE,
    ORDINAL,
    SCORING,
    PBElection,
    Project,
)
from ballots.errors import FormatError
from ballots.formats._pb_rows import vote_rows
from ballots.formats._pb_votes import Ballots, Unusual
from ballots.formats._pb_write import format_pb, write_pb
from ballots.formats._source import (
    Source,
    parse_cents,
    parse_int,
    read_text,
    source_name,
)
from ballots.profile import ApprovalProfile, RankedProfile

__all__ = ["format_pb", "parse_pb", "read_pb", "write_pb"]

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = (APPROVAL, CHOOSE_1, ORDINAL, CUMULATIVE, SCORING)
_INTEGER_META = (
    "num_projects", "num_votes", "min_length", "max_length",
    "min_sum_points", "max_sum_points", "min_points", "max_points",
)


def read_pb(source: Source) -> PBElection:
    """Reads a Pabulib file from a path or an open file.

    Args:
        source: a path, or a binary or text file object.

    Returns:
        The election; its profile is a RankedProfile for ordinal votes, else an
        ApprovalProfile (entries 1, or the points for cumulative/scoring).

    Raises:
        FormatError: for any malformed input, naming the line.

    Example:
        >>> e = read_pb("../shared/refdata/pb/Netherlands_Amsterdam_643.pb")
        >>> e.budget, e.vote_type, e.profile.n_voters, e.profile.totals().tolist()
        (572000, 'choose-1', 66, [40, 21, 5])
    """
    data = None
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as file:
                data = file.read()
        except OSError:
            pass  # read_text tries again and reports the error
    text = read_text(source if data is None else io.BytesIO(data))
    return _parse(text, source_name(source), data)


def parse_pb(text: str, *, path: str | None = None) -> PBElection:
    """Parses the text of a Pabulib file (see ``read_pb``)."""
    return _parse(text, path, None)


def _parse(text: str, path: str | None, data: bytes | None) -> PBElection:
    """Parses ``text``; ``data``, when given, holds the UTF-8 bytes it was decoded from."""
    # the VOTES rows are hundreds of thousands of small lists that the cyclic
    # garbage collector would scan again and again while they are built
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Parser(text, path, data).parse()
    finally:
        if enabled:
            gc.enable()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


class _Lines:
    """The lines of a text as ``io.StringIO(text, newline="")`` gives them, one by one.

    Unlike StringIO it does not copy the whole text first, and ``end`` says how
    far it has read, so the VOTES rows can be taken in one piece.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.end = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.end >= len(self.text):
            raise StopIteration
        match = _LINE.match(self.text, self.end)
        self.end = match.end()
        return match.group()


class _Parser:
    """One pass over the rows of a .pb text, section by section."""

    def __init__(self, text: str, path: str | None, data: bytes | None = None) -> None:
        self.text = text
        self.path = path
        self.data = data
        self.lines = _Lines(text)
        self.reader = csv.reader(self.lines, delimiter=";")
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}

    @property
    def line_num(self) -> int:
        """The number of lines read (all of them once VOTES has been read)."""
        if self.rows_skipped:  # the fast path read the VOTES rows without csv
            rest = io.StringIO(self.text[self.lines.end:], newline="")
            return self.reader.line_num + sum(1 for _ in rest)
        return self.line_base + self.reader.line_num

    def fail(self, reason: str, line: int | None = None) -> FormatError:
        """A FormatError at ``line`` (default: the current line)."""
        return FormatError(reason, line=max(1, self.line_num) if line is None else line,
                           path=self.path)

    def rows(self) -> Iterator[list[str]]:
        """Non-blank rows; csv errors become FormatError."""
        try:
            for row in self.reader:
                if row and (len(row) > 1 or row[0].strip()):
                    yield row
        except csv.Error as error:
            raise self.fail(f"unreadable row: {error}") from None

    def section_start(self, rows: Iterator[list[str]], name: str) -> list[str]:
        """Consumes the section line ``name`` and returns the stripped header row."""
        row = next(rows, None)
        if row is None:
            raise self.fail(f"the file ends before the {name.upper()} section")
        if _section_name(row) != name:
            raise self.fail(f"expected the line {name.upper()}, found {';'.join(row)[:40]!r}")
        header = next(rows, None)
        if header is None or _section_name(header) is not None:
            raise self.fail(f"the {name.upper()} section has no header row")
        header = [cell.strip() for cell in header]
        for column in header:
            if not column:
                raise self.fail(f"empty column name in the {name.upper()} header")
            if header.count(column) > 1:
                raise self.fail(f"column {column!r} appears twice in the {name.upper()} header")
        return header

    def parse(self) -> PBElection:
        """Reads META, PROJECTS and VOTES and builds the election."""
        rows = self.rows()
        self.read_meta(rows)
        projects, fields = self.read_projects(rows)
        vote_type = self.meta_vote_type()
        budget = self.meta_money("budget")
        profile = self.read_votes(rows, projects, vote_type)
        self.check_count("num_projects", len(projects))
        self.check_count("num_votes", profile.n_voters)
        try:
            return PBElection(
                meta=self.meta, projects=tuple(projects), budget=budget, vote_type=vote_type,
                profile=profile, currency=self.meta.get("currency", "EUR"),
                project_fields=fields, voter_fields=self.voter_fields,
            )
        except ValueError as error:  # a safety net: the checks above should catch all
            raise self.fail(str(error)) from None

    def read_meta(self, rows: Iterator[list[str]]) -> None:
        """The META section: unique keys, integer limits."""
        header = self.section_start(rows, "meta")
        if len(header) != 2:
            raise self.fail("the META header must have two columns (key;value)")
        for row in rows:
            if _section_name(row) is not None:
                self.pushback = row
                break
            if len(row) != 2:
                raise self.fail(f"a META row has 2 fields (key;value), this one has {len(row)}")
            key, value = row[0].strip(), row[1].strip()
            if not key:
                raise self.fail("empty META key")
            if key in self.meta:
                raise self.fail(f"META key {key!r} appears twice")
            if key in _INTEGER_META and (parse_int(value) is None or parse_int(value) < 0):
                raise self.fail(f"META {key} must be a whole number >= 0, not {value!r}")
            self.meta[key] = value
            self.meta_lines[key] = self.line_num
        else:
            raise self.fail("the file ends before the PROJECTS section")

    def read_projects(
        self, rows: Iterator[list[str]]
    ) -> tuple[list[Project], dict[str, dict[str, str]]]:
        """The PROJECTS section: unique ids, exact costs, the other columns as text."""
        rows = _chain(self.pushback, rows)
        header = self.section_start(rows, "projects")
        for required in ("project_id", "cost"):
            if required not in header:
                raise self.fail(f"the PROJECTS header has no {required} column")
        id_at, cost_at = header.index("project_id"), header.index("cost")
        cofinancing_at = header.index("cofinancing") if "cofinancing" in header else None
        extra = [(i, c) for i, c in enumerate(header) if c not in ("project_id", "cost",
                                                                    "cofinancing")]
        projects: list[Project] = []
        fields: dict[str, dict[str, str]] = {}
        for row in rows:
            if _section_name(row) is not None:
                self.pushback = row
                break
            if len(row) != len(header):
                raise self.fail(f"{len(row)} fields, the PROJECTS header has {len(header)}")
            project_id = row[id_at].strip()
            if not project_id or "," in project_id:
                raise self.fail(f"project id {project_id!r} must be non-empty without commas")
            if project_id in fields:
                raise self.fail(f"project id {project_id!r} appears twice")
            cost = parse_cents(row[cost_at])
            if isinstance(cost, str):
                raise self.fail(f"cost {row[cost_at].strip()!r} of project {project_id} {cost}")
            cofinancing = 0
            if cofinancing_at is not None:
                cofinancing = parse_cents(row[cofinancing_at] or "0")
                if isinstance(cofinancing, str) or cofinancing > cost:
                    raise self.fail(f"co-financing of project {project_id} must be an amount "
                                    "between 0 and its cost")
            fields[project_id] = {column: row[i].strip() for i, column in extra}
            name = fields[project_id].get("name", "")
            projects.append(Project(project_id, cost, name, cofinancing))
        else:
            raise self.fail("the file ends before the VOTES section")
        return projects, fields

    def meta_vote_type(self) -> str:
        """META vote_type, which must be one of the Pabulib vote types."""
        vote_type = self.meta.get("vote_type")
        if vote_type not in VOTE_TYPES:
            line = self.meta_lines.get("vote_type", 1)
            found = "no vote_type" if vote_type is None else f"vote_type {vote_type!r}"
            raise self.fail(f"META has {found}; expected one of {', '.join(VOTE_TYPES)}", line)
        return vote_type

    def meta_money(self, key: str) -> int | None:
        """A META amount in cents (None when absent)."""
        if key not in self.meta:
            return None
        cents = parse_cents(self.meta[key])
        if isinstance(cents, str):
            raise self.fail(f"META {key} {self.meta[key]!r} {cents}", self.meta_lines[key])
        return cents

    def meta_int(self, key: str) -> int | None:
        """A META whole number (checked in read_meta), None when absent."""
        return parse_int(self.meta[key]) if key in self.meta else None

    def check_count(self, key: str, actual: int) -> None:
        """META num_projects / num_votes must match what the file holds."""
        stated = self.meta_int(key)
        if stated is not None and stated != actual:
            raise self.fail(f"META {key} is {stated} but the file has {actual}",
                            self.meta_lines[key])

    def read_votes(
        self, rows: Iterator[list[str]], projects: list[Project], vote_type: str
    ) -> RankedProfile | ApprovalProfile:
        """The VOTES section, collected as distinct (vote, points) strings, then parsed.

        The rows are read with C-speed calls only (``list``, ``map``, ``Counter``);
        line numbers are worked out again only when there is an error to report.
        """
        rows = _chain(self.pushback, rows)
        header = self.section_start(rows, "votes")
        self.votes_header_line = self.line_num
        if "vote" not in header:
            raise self.fail("the VOTES header has no vote column")
        scored = vote_type in (CUMULATIVE, SCORING)
        if scored and "points" not in header:
            raise self.fail(f"{vote_type} votes need a points column in the VOTES header")
        self.voter_fields = tuple(c for c in header if c not in ("voter_id", "vote", "points"))
        if not scored:
            profile = self.plain_votes(header, projects, vote_type)
            if profile is not None:
                return profile
        # csv reads the rest from a StringIO: faster than from self.lines
        self.line_base = self.reader.line_num
        rest = io.StringIO(self.text[self.lines.end:], newline="")
        self.reader = csv.reader(rest, delimiter=";")
        try:
            data = list(self.reader)
        except csv.Error as error:
            raise self.fail(f"unreadable row: {error}") from None
        data = self.check_widths(data, len(header))
        votes = list(map(itemgetter(header.index("vote")), data))
        if scored:
            points = map(itemgetter(header.index("points")), data)
            keys: list[Any] = list(zip(votes, points, strict=True))
        else:
            keys = votes
        if "voter_id" in header:
            voters = list(map(itemgetter(header.index("voter_id")), data))
            if len(set(voters)) != len(voters):
                self.duplicate_voter(voters)
        counts = Counter(keys)  # in order of first occurrence
        self.vote_keys = keys
        weights = np.fromiter(counts.values(), np.int64, len(counts))
        return Ballots(self, projects, vote_type).build(list(counts), weights)

    def plain_votes(
        self, header: list[str], projects: list[Project], vote_type: str
    ) -> RankedProfile | ApprovalProfile | None:
        """The profile, when every VOTES row is plain (see ``_pb_rows``); else None."""
        start = self.lines.end
        if self.data is not None:
            bom = len(codecs.BOM_UTF8) if self.data.startswith(codecs.BOM_UTF8) else 0
            data, start = self.data, bom + len(self.text[:start].encode("utf-8"))
        else:
            try:
                data, start = self.text[start:].encode("utf-8"), 0
            except UnicodeEncodeError:
                return None
        voter_at = header.index("voter_id") if "voter_id" in header else None
        found = vote_rows(data, start, len(header), header.index("vote"), voter_at,
                          [p.id for p in projects])
        if found is None:
            return None
        try:
            profile = Ballots(self, projects, vote_type).from_rows(*found)
        except Unusual:
            return None
        self.rows_skipped = True
        return profile

    def check_widths(self, data: list[list[str]], width: int) -> list[list[str]]:
        """Drops blank rows (remembering where rows were) and checks the field counts."""
        if data and set(map(len, data)) == {width}:
            return data
        kept = []
        for index, row in enumerate(data):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                line = self.vote_line(index)
                if _section_name(row) is not None:
                    raise self.fail(f"unexpected section line {row[0].strip()} after VOTES", line)
                raise self.fail(f"{len(row)} fields, the VOTES header has {width}", line)
            kept.append(index)
        self.kept_rows = kept
        return [data[i] for i in kept]

    def vote_line(self, index: int) -> int:
        """The line number of raw row ``index`` after the VOTES header (error path only)."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=";")
        for row_index, _ in enumerate(reader):
            if row_index >= self.votes_header_row + 1 + index:
                return reader.line_num
        return reader.line_num

    def ballot_line(self, key: Any) -> int:
        """The line of the first vote row whose (vote, points) cells are ``key``."""
        index = self.vote_keys.index(key)
        if self.kept_rows is not None:
            index = self.kept_rows[index]
        return self.vote_line(index)

    def duplicate_voter(self, voters: list[str]) -> None:
        """Raises FormatError at the second line of a repeated voter_id (rare path)."""
        seen: set[str] = set()
        for index, voter in enumerate(voters):
            if voter in seen:
                if self.kept_rows is not None:
                    index = self.kept_rows[index]
                raise self.fail(f"voter_id {voter!r} appears twice", self.vote_line(index))
            seen.add(voter)

    @property
    def votes_header_row(self) -> int:
        """Raw csv row index of the VOTES header (counting blank rows)."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=";")
        for row_index, _ in enumerate(reader):
            if reader.line_num >= self.votes_header_line:
                return row_index
        return 0

    pushback: list[str] | None = None
    line_base = 0  # lines read before self.reader (once it reads the VOTES rows)
    rows_skipped = False
    voter_fields: tuple[str, ...] = ()
    votes_header_line = 0
    vote_keys: list[Any] = []
    kept_rows: list[int] | None = None

def _section_name(row: list[str]) -> str | None:
    """``"meta"``, ``"projects"`` or ``"votes"`` for a section line, else None."""
    if len(row) == 1 and row[0].strip().lower() in SECTIONS:
        return row[0].strip().lower()
    return None


def _chain(first: list[str] | None, rows: Iterator[list[str]]) -> Iterator[list[str]]:
    # itertools.chain, unlike a generator, does not close ``rows`` when dropped
    return itertools.chain([] if first is None else [first], rows)
