"""Turning the distinct votes of a .pb file into a profile, with NumPy."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from ballots.election import CHOOSE_1, CUMULATIVE, ORDINAL, SCORING, Project
from ballots.errors import FormatError
from ballots.formats._source import format_cents
from ballots.profile import PAD, ApprovalProfile, CsrArrays, RankedProfile, merge_rows

if TYPE_CHECKING:
    from ballots.formats.pabulib import _Parser


class Unusual(Exception):
    """A VOTES row the fast path leaves to the csv reader (which names its line)."""


_POINTS_LIST = re.compile(r"(?:\s*-?[0-9]{1,15}\s*(?:,\s*-?[0-9]{1,15}\s*)*)?", re.ASCII)


class Ballots:
    """Turns distinct vote strings into a profile with NumPy, checking the limits."""

    def __init__(self, parser: _Parser, projects: list[Project], vote_type: str) -> None:
        self.parser = parser
        self.projects = projects
        self.vote_type = vote_type
        self.keys: list[Any] | None = None

    def fail(self, row: int, reason: str) -> FormatError | Unusual:
        """A FormatError at the first line holding distinct ballot ``row``.

        Rows from the fast path (``from_rows``) have no line at hand: they give
        ``Unusual``, and the parser reads the section again with ``csv``.
        """
        if self.keys is None:
            return Unusual(reason)
        return self.parser.fail(reason, self.parser.ballot_line(self.keys[row]))

    def build(self, keys: list[Any], weights: np.ndarray) -> RankedProfile | ApprovalProfile:
        """The profile of the distinct ballots ``keys`` cast ``weights`` times."""
        self.keys = keys
        scored = self.vote_type in (CUMULATIVE, SCORING)
        votes = [k[0] for k in keys] if scored else keys
        ids, lengths = self.project_ids(votes)
        texts = [k[1] for k in keys] if scored else None
        return self.assemble(ids, lengths, weights, texts)

    def from_rows(self, ids: np.ndarray, lengths: np.ndarray) -> RankedProfile | ApprovalProfile:
        """The profile of one ballot per row, as ``_pb_rows.vote_rows`` gives them.

        Raises:
            Unusual: a row breaks a META limit; the caller reports it with its line.
        """
        self.keys = None
        return self.assemble(ids, lengths, np.ones(len(lengths), np.int64), None)

    def assemble(
        self, ids: np.ndarray, lengths: np.ndarray, weights: np.ndarray,
        point_texts: list[str] | None,
    ) -> RankedProfile | ApprovalProfile:
        """Checks the ballots (project ids, ``lengths`` per row) and builds the profile."""
        self.check_lengths(lengths)
        n_rows = len(lengths)
        rows = np.repeat(np.arange(n_rows), lengths)
        # sorting (row, id) pairs finds repeated projects and gives the canonical
        # order of approval ballots (projects by id, so "1,2" and "2,1" merge)
        order = np.argsort(rows * len(self.projects) + ids, kind="stable")
        self.check_duplicates(ids[order], rows[order])
        labels = tuple(p.id for p in self.projects)
        if self.vote_type == ORDINAL:
            return RankedProfile.from_array(_padded(ids, lengths, PAD), labels, weights=weights)
        points = self.points(point_texts, lengths) if point_texts is not None else None
        self.check_max_sum_cost(ids, rows, n_rows)
        ids = ids[order]
        padded = _padded(ids, lengths, PAD)
        width = padded.shape[1]
        if points is not None:
            padded = np.hstack([padded, _padded(points[order], lengths, 0)])
        distinct, counts = merge_rows(padded, weights)
        marked = distinct[:, :width] != PAD
        indptr = np.concatenate(([0], np.cumsum(marked.sum(axis=1))))
        data = distinct[:, width:][marked] if points is not None else np.ones(marked.sum())
        # plain arrays: the SciPy matrix is built only if a caller reads ``matrix``
        arrays = CsrArrays(data.astype(np.int64), distinct[:, :width][marked].astype(np.int32),
                           indptr, (len(distinct), len(labels)))
        return ApprovalProfile(arrays, counts, labels)  # type: ignore[arg-type]

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
