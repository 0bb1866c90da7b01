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

import csv
import gc
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

import numpy as np
from scipy import sparse

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
from ballots.formats._source import (
    Source,
    format_cents,
    parse_cents,
    parse_int,
    read_text,
    source_name,
    write_text,
)
from ballots.profile import PAD, ApprovalProfile, RankedProfile, merge_rows

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = (APPROVAL, CHOOSE_1, ORDINAL, CUMULATIVE, SCORING)
_INTEGER_META = (
    "num_projects", "num_votes", "min_length", "max_length",
    "min_sum_points", "max_sum_points", "min_points", "max_points",
)
_POINTS_LIST = re.compile(r"(?:\s*-?[0-9]{1,15}\s*(?:,\s*-?[0-9]{1,15}\s*)*)?", re.ASCII)


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
        >>> e = read_pb("/work/shared/refdata/pb/Netherlands_Amsterdam_643.pb")
        >>> e.budget, e.vote_type, e.profile.n_voters, e.profile.totals().tolist()
        (572000, 'choose-1', 66, [40, 21, 5])
    """
    return parse_pb(read_text(source), path=source_name(source))


def parse_pb(text: str, *, path: str | None = None) -> PBElection:
    """Parses the text of a Pabulib file (see ``read_pb``)."""
    # the VOTES rows are hundreds of thousands of small lists that the cyclic
    # garbage collector would scan again and again while they are built
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Parser(text, path).parse()
    finally:
        if enabled:
            gc.enable()


class _Parser:
    """One pass over the rows of a .pb text, section by section."""

    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}

    def fail(self, reason: str, line: int | None = None) -> FormatError:
        """A FormatError at ``line`` (default: the current line)."""
        return FormatError(reason, line=max(1, self.reader.line_num) if line is None else line,
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
            self.meta_lines[key] = self.reader.line_num
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
        self.votes_header_line = self.reader.line_num
        if "vote" not in header:
            raise self.fail("the VOTES header has no vote column")
        scored = vote_type in (CUMULATIVE, SCORING)
        if scored and "points" not in header:
            raise self.fail(f"{vote_type} votes need a points column in the VOTES header")
        self.voter_fields = tuple(c for c in header if c not in ("voter_id", "vote", "points"))
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
        return _Ballots(self, projects, vote_type).build(list(counts), weights)

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
    voter_fields: tuple[str, ...] = ()
    votes_header_line = 0
    vote_keys: list[Any] = []
    kept_rows: list[int] | None = None


class _Ballots:
    """Turns distinct vote strings into a profile with NumPy, checking the limits."""

    def __init__(self, parser: _Parser, projects: list[Project], vote_type: str) -> None:
        self.parser = parser
        self.projects = projects
        self.vote_type = vote_type

    def fail(self, row: int, reason: str) -> FormatError:
        """A FormatError at the first line holding distinct ballot ``row``."""
        return self.parser.fail(reason, self.parser.ballot_line(self.keys[row]))

    def build(self, keys: list[Any], weights: np.ndarray) -> RankedProfile | ApprovalProfile:
        """The profile of the distinct ballots ``keys`` cast ``weights`` times."""
        self.keys = keys
        scored = self.vote_type in (CUMULATIVE, SCORING)
        votes = [k[0] for k in keys] if scored else keys
        ids, lengths = self.project_ids(votes)
        self.check_lengths(lengths)
        rows = np.repeat(np.arange(len(keys)), lengths)
        # sorting (row, id) pairs finds repeated projects and gives the canonical
        # order of approval ballots (projects by id, so "1,2" and "2,1" merge)
        order = np.argsort(rows * len(self.projects) + ids, kind="stable")
        self.check_duplicates(ids[order], rows[order])
        labels = tuple(p.id for p in self.projects)
        if self.vote_type == ORDINAL:
            return RankedProfile.from_array(_padded(ids, lengths, PAD), labels, weights=weights)
        points = self.points([k[1] for k in keys], lengths) if scored else None
        self.check_max_sum_cost(ids, rows, len(keys))
        ids = ids[order]
        padded = _padded(ids, lengths, PAD)
        width = padded.shape[1]
        if points is not None:
            padded = np.hstack([padded, _padded(points[order], lengths, 0)])
        distinct, counts = merge_rows(padded, weights)
        marked = distinct[:, :width] != PAD
        indptr = np.concatenate(([0], np.cumsum(marked.sum(axis=1))))
        data = distinct[:, width:][marked] if points is not None else np.ones(marked.sum())
        matrix = sparse.csr_matrix(
            (data.astype(np.int64), distinct[:, :width][marked].astype(np.int32), indptr),
            shape=(len(distinct), len(labels)),
        )
        return ApprovalProfile(matrix, counts, labels)

    def project_ids(self, votes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Option ids of all votes, flattened, and the number of ids per vote."""
        votes = list(map(str.strip, votes))
        commas = np.fromiter(map(str.count, votes, itertools.repeat(",")), np.int64, len(votes))
        lengths = np.where(np.fromiter(map(len, votes), np.int64, len(votes)) > 0, commas + 1, 0)
        joined = ",".join(filter(None, votes))
        tokens = joined.split(",") if joined else []
        index = {p.id: i for i, p in enumerate(self.projects)}
        try:
            ids = np.fromiter(map(index.__getitem__, tokens), np.int32, len(tokens))
        except KeyError:
            tokens = list(map(str.strip, tokens))  # tolerate "1, 2"
            ids_or_none = list(map(index.get, tokens))
            if None in ids_or_none:
                at = ids_or_none.index(None)
                row = int(np.searchsorted(np.cumsum(lengths), at, side="right"))
                if not tokens[at]:
                    raise self.fail(row, "empty project id in the vote (stray comma?)") from None
                raise self.fail(row, f"the vote names project {tokens[at]!r}, which is not in "
                                "PROJECTS") from None
            ids = np.array(ids_or_none, dtype=np.int32)
        return ids, lengths

    def check_lengths(self, lengths: np.ndarray) -> None:
        """min_length / max_length from META (choose-1: at most one project)."""
        meta_int = self.parser.meta_int
        maximum = 1 if self.vote_type == CHOOSE_1 else meta_int("max_length")
        minimum = meta_int("min_length")
        if maximum is not None and (lengths > maximum).any():
            row = int(np.argmax(lengths > maximum))
            raise self.fail(row, f"the vote lists {lengths[row]} projects, at most {maximum} "
                            f"allowed ({self.vote_type}, max_length)")
        if minimum is not None and (lengths < minimum).any():
            row = int(np.argmax(lengths < minimum))
            raise self.fail(row, f"the vote lists {lengths[row]} projects, at least {minimum} "
                            "required (min_length)")

    def check_duplicates(self, ids: np.ndarray, rows: np.ndarray) -> None:
        """No project twice in one vote (``ids`` sorted within each row)."""
        twice = (ids[1:] == ids[:-1]) & (rows[1:] == rows[:-1])
        if twice.any():
            at = int(np.argmax(twice))
            project = self.projects[ids[at]].id
            raise self.fail(int(rows[at]), f"project {project!r} appears twice in the vote")

    def points(self, texts: list[str], lengths: np.ndarray) -> np.ndarray:
        """The points column: one integer per project of the vote, within the META limits."""
        for row, text in enumerate(texts):
            if not _POINTS_LIST.fullmatch(text):
                raise self.fail(row, f"points {text.strip()[:40]!r} must be whole numbers "
                                "separated by commas")
        texts = [t.strip() for t in texts]
        n_points = np.fromiter((t.count(",") + 1 if t else 0 for t in texts), np.int64,
                               len(texts))
        if (n_points != lengths).any():
            row = int(np.argmax(n_points != lengths))
            raise self.fail(row, f"{n_points[row]} points for {lengths[row]} projects")
        joined = ",".join(t for t in texts if t)
        points = np.array(joined.split(",") if joined else [], dtype=np.int64)
        rows = np.repeat(np.arange(len(texts)), lengths)
        self.check_points(points, rows, len(texts))
        return points

    def check_points(self, points: np.ndarray, rows: np.ndarray, n_rows: int) -> None:
        """Per-project and per-vote points limits (cumulative points are never negative)."""
        meta_int = self.parser.meta_int
        low = meta_int("min_points")
        if self.vote_type == CUMULATIVE:
            low = max(low or 0, 0)
        high = meta_int("max_points")
        for bad, what in (
            (points < low if low is not None else None, f"below the minimum of {low}"),
            (points > high if high is not None else None, f"above the maximum of {high}"),
        ):
            if bad is not None and bad.any():
                at = int(np.argmax(bad))
                raise self.fail(int(rows[at]), f"{points[at]} points for one project is {what}")
        sums = np.zeros(n_rows, np.int64)
        np.add.at(sums, rows, points)
        for key, bad in (("max_sum_points", np.greater), ("min_sum_points", np.less)):
            limit = meta_int(key)
            if limit is not None and bad(sums, limit).any():
                row = int(np.argmax(bad(sums, limit)))
                raise self.fail(row, f"the vote gives {sums[row]} points in total, {key} is "
                                f"{limit}")

    def check_max_sum_cost(self, ids: np.ndarray, rows: np.ndarray, n_rows: int) -> None:
        """The total cost of an approval (knapsack) vote must not exceed max_sum_cost."""
        limit = self.parser.meta_money("max_sum_cost")
        if limit is None or not len(ids):
            return
        # int64 is exact unless all costs together could overflow it
        dtype = np.int64 if sum(p.cost for p in self.projects) < 2**62 else object
        costs = np.array([p.cost for p in self.projects], dtype=dtype)
        totals = np.zeros(n_rows, dtype=dtype)
        np.add.at(totals, rows, costs[ids])
        over = totals > limit
        if over.any():
            row = int(np.argmax(over))
            raise self.fail(row, f"the projects of the vote cost {format_cents(int(totals[row]))}, "
                            f"more than max_sum_cost {format_cents(limit)}")


def _padded(values: np.ndarray, lengths: np.ndarray, fill: int) -> np.ndarray:
    """Flat ``values`` cut into rows of ``lengths``, padded with ``fill``."""
    width = int(lengths.max(initial=0))
    dtype = np.int16 if values.dtype == np.int32 and values.max(initial=0) < 2**15 else np.int64
    out = np.full((len(lengths), max(width, 1)), fill, dtype=dtype)
    starts = np.cumsum(lengths) - lengths
    rows = np.repeat(np.arange(len(lengths)), lengths)
    columns = np.arange(len(values)) - np.repeat(starts, lengths)
    out[rows, columns] = values
    return out


def _section_name(row: list[str]) -> str | None:
    """``"meta"``, ``"projects"`` or ``"votes"`` for a section line, else None."""
    if len(row) == 1 and row[0].strip().lower() in SECTIONS:
        return row[0].strip().lower()
    return None


def _chain(first: list[str] | None, rows: Iterator[list[str]]) -> Iterator[list[str]]:
    # itertools.chain, unlike a generator, does not close ``rows`` when dropped
    return itertools.chain([] if first is None else [first], rows)


def write_pb(election: PBElection, file: Source) -> None:
    """Writes ``election`` as a Pabulib file that ``read_pb`` reads back equal.

    Each distinct ballot is written ``count`` times with voter ids 1, 2, ...;
    per-voter columns are not kept by the profile, so none are written.

    Args:
        election: the election to write.
        file: a path, or a text or binary file object.

    Example:
        >>> import io
        >>> e = read_pb("/work/shared/refdata/pb/Netherlands_Amsterdam_643.pb")
        >>> out = io.StringIO(); write_pb(e, out)
        >>> read_pb(io.StringIO(out.getvalue())).profile.totals().tolist()
        [40, 21, 5]
    """
    write_text(format_pb(election), file)


def format_pb(election: PBElection) -> str:
    """The text of ``election`` as a Pabulib file (see ``write_pb``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(_meta_rows(election))
    writer.writerow(["PROJECTS"])
    writer.writerows(_project_rows(election))
    writer.writerow(["VOTES"])
    scored = election.vote_type in (CUMULATIVE, SCORING)
    writer.writerow(["voter_id", "vote", "points"] if scored else ["voter_id", "vote"])
    labels = [p.id for p in election.projects]
    voter = 0
    for vote, points, count in _ballots(election.profile):
        cells = [",".join(labels[o] for o in vote)]
        if scored:
            cells.append(",".join(map(str, points)))
        for _ in range(count):
            voter += 1
            writer.writerow([str(voter), *cells])
    return out.getvalue()


def _meta_rows(election: PBElection) -> list[list[str]]:
    """META rows: the election's meta, with the keys the fields decide kept consistent."""
    meta = dict(election.meta)
    decided = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(election.profile.n_voters),
        "vote_type": election.vote_type,
    }
    if election.budget is not None:
        decided["budget"] = format_cents(election.budget)
    if election.currency != "EUR" or "currency" in meta:
        decided["currency"] = election.currency
    for key, value in decided.items():
        # keep the file's spelling (e.g. "1000.00") when it means the same
        same = key in meta and (
            meta[key] == value
            or key == "budget" and parse_cents(meta[key]) == election.budget
            or key.startswith("num_") and parse_int(meta[key]) == int(value)
        )
        if not same:
            meta[key] = value
    if election.budget is None:
        meta.pop("budget", None)
    return [[key, value] for key, value in meta.items()]


def _project_rows(election: PBElection) -> list[list[str]]:
    """PROJECTS header and rows: id, cost, [cofinancing], name, then the kept fields."""
    projects = election.projects
    fields = election.project_fields
    extra: dict[str, None] = {}
    if any(p.name for p in projects) or any("name" in fields.get(p.id, {}) for p in projects):
        extra["name"] = None
    for project in projects:
        extra.update(dict.fromkeys(fields.get(project.id, {})))
    extra.pop("cofinancing", None)
    with_cofinancing = any(p.cofinancing for p in projects)
    header = ["project_id", "cost", *(["cofinancing"] if with_cofinancing else []), *extra]
    rows = [header]
    for project in projects:
        known = dict(fields.get(project.id, {}))
        known["name"] = project.name
        money = [format_cents(project.cost)]
        if with_cofinancing:
            money.append(format_cents(project.cofinancing))
        rows.append([project.id, *money, *(known.get(column, "") for column in extra)])
    return rows


def _ballots(
    profile: RankedProfile | ApprovalProfile,
) -> Iterator[tuple[list[int], list[int], int]]:
    """Each distinct ballot as (option ids, points, count)."""
    if isinstance(profile, RankedProfile):
        for vote, count in profile.ballots():
            yield list(vote), [], count
        return
    matrix = profile.matrix
    for row, count in enumerate(profile.counts.tolist()):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        yield matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), count
