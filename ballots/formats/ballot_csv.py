"""CSV files of paper ballots: one ballot per row, a header naming the columns.

Comma-separated, UTF-8, as a spreadsheet saves it. The layout depends on the
ballot kind (``kind``, the same names as ``spec.kind``):

- ``ranked``: columns ``rank_1, rank_2, ... rank_k``; a cell holds the label of
  the option at that rank, empty means unused. A gap (rank 2 empty, rank 3
  filled) is an error::

      rank_1,rank_2,rank_3
      Speeltuin,Bankjes,
      Moestuin,,

- ``approval`` and ``knapsack``: one column per option, headed by its label; a
  cell is ``1`` or ``x`` for a chosen option, empty or ``0`` otherwise::

      Speeltuin,Bankjes,Moestuin
      x,,x

- ``points``: one column per option; a cell is a whole number of points, empty
  meaning 0.
- ``yes_no``: one column ``answer`` holding ``yes``, ``no`` or ``blank`` (a blank
  ballot; an empty cell written as ``""`` also counts as blank).

Empty lines are skipped everywhere; a row of empty cells (``,,``) is a blank
ballot and is kept (a spec may refuse it).

Options (labels) are passed by the caller (``options=`` or ``spec.labels``);
when not given they are the labels in the header (per-option layouts) or the
distinct labels found in the file, sorted (ranked). With a ``spec`` every row is
validated and a failing row raises FormatError with its line number and the
BallotError's message; the BallotError is the ``__cause__`` (its ``code`` and
``params`` are what the web app translates).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from ballots.errors import BallotError, FormatError
from ballots.formats._source import Source, parse_int, read_text, source_name, write_text
from ballots.profile import PAD, ApprovalProfile, RankedProfile, merge_rows
from ballots.specs import NO, YES, BallotSpec

KINDS = ("ranked", "approval", "knapsack", "points", "yes_no")
_MARKED, _UNMARKED = ("1", "x", "X"), ("", "0")
BLANK = "blank"


def read_ballot_csv(
    source: Source,
    *,
    kind: str = "ranked",
    options: Sequence[str] | None = None,
    spec: BallotSpec | None = None,
) -> RankedProfile | ApprovalProfile:
    """Reads paper ballots from a CSV file into a profile.

    Args:
        source: a path, or a binary or text file object.
        kind: the ballot kind (ignored when ``spec`` is given: ``spec.kind``).
        options: option labels; default ``spec.labels`` or taken from the file.
        spec: validates every ballot when given.

    Returns:
        A RankedProfile for ranked ballots, otherwise an ApprovalProfile (1 per
        chosen option, or the points; yes/no: options ``("yes", "no")``).

    Raises:
        FormatError: for any malformed row, naming the line.

    Example:
        >>> import io
        >>> text = "rank_1,rank_2\\nbench,park\\npark,\\nbench,park\\n"
        >>> p = read_ballot_csv(io.StringIO(text))
        >>> p.options, p.n_voters, list(p.ballots())
        (('bench', 'park'), 3, [((0, 1), 2), ((1,), 1)])
    """
    path = source_name(source)
    if spec is not None:
        kind, options = spec.kind, spec.labels
    if kind not in KINDS:
        raise ValueError(f"unknown ballot kind {kind!r}; expected one of {', '.join(KINDS)}")
    text = read_text(source)
    reader = csv.reader(io.StringIO(text, newline=""))

    def fail(reason: str) -> FormatError:
        return FormatError(reason, line=max(reader.line_num, 1), path=path)

    try:
        rows = _rows(reader)
        header = next(rows, None)
        if header is None:
            raise fail("empty file: expected a header row")
        header = [cell.strip() for cell in header]
        if kind == "ranked":
            return _read_ranked(header, rows, options, spec, fail)
        if kind == "yes_no":
            return _read_yes_no(header, rows, spec, fail)
        return _read_marks(header, rows, kind, options, spec, fail)
    except csv.Error as error:
        raise fail(f"unreadable row: {error}") from None


def _rows(reader):
    """The rows, without empty lines (a row of empty cells is a blank ballot)."""
    for row in reader:
        if row:
            yield row


def _validate(spec: BallotSpec | None, ballot, fail) -> None:
    if spec is not None:
        try:
            spec.validate(ballot)
        except BallotError as error:
            raise fail(str(error)) from error


def _read_ranked(header, rows, options, spec, fail) -> RankedProfile:
    """Ranked layout: rank_1..rank_k columns of option labels."""
    expected = [f"rank_{i}" for i in range(1, len(header) + 1)]
    if header != expected:
        raise fail(f"a ranked ballot file has the header {','.join(expected[:3])}...; "
                   f"found {','.join(header)[:60]!r}")
    index = None if options is None else {label: i for i, label in enumerate(options)}
    ballots: list[list[str]] = []
    for row in rows:
        if len(row) != len(header):
            raise fail(f"{len(row)} cells, the header has {len(header)}")
        cells = [cell.strip() for cell in row]
        used = len(cells) - next((i for i, c in enumerate(reversed(cells)) if c), len(cells))
        if "" in cells[:used]:
            raise fail(f"rank_{cells.index('') + 1} is empty but a later rank is filled")
        ballot = cells[:used]
        if len(set(ballot)) != len(ballot):
            twice = next(label for label in ballot if ballot.count(label) > 1)
            raise fail(f"'{twice}' is ranked more than once")
        if index is not None:
            _validate(spec, [_label_id(index, label, fail) for label in ballot], fail)
        ballots.append(ballot)
    if options is None:
        options = sorted({label for ballot in ballots for label in ballot})
    index = {label: i for i, label in enumerate(options)}
    array = np.full((len(ballots), max(len(header), 1)), PAD, dtype=np.int32)
    for i, ballot in enumerate(ballots):
        array[i, : len(ballot)] = [index[label] for label in ballot]
    return RankedProfile.from_array(array, tuple(options))


def _label_id(index: dict[str, int], label: str, fail) -> int:
    if label not in index:
        raise fail(f"unknown option {label!r}")
    return index[label]


def _read_marks(header, rows, kind, options, spec, fail) -> ApprovalProfile:
    """Per-option layout: one column per option label, marks or points."""
    if options is None:
        options = header
    index = {label: i for i, label in enumerate(options)}
    for column in header:
        if column not in index:
            raise fail(f"column {column!r} is not an option")
        if header.count(column) > 1:
            raise fail(f"column {column!r} appears twice")
    columns = [index[column] for column in header]
    dense = []
    for row in rows:
        if len(row) != len(header):
            raise fail(f"{len(row)} cells, the header has {len(header)}")
        marks = [0] * len(options)
        for column, cell in zip(columns, row, strict=True):
            marks[column] = _mark(cell.strip(), kind, options[column], fail)
        ballot = {o: v for o, v in enumerate(marks) if v}
        _validate(spec, ballot if kind == "points" else set(ballot), fail)
        dense.append(marks)
    return _approval_profile(np.array(dense, np.int64).reshape(-1, len(options)), options)


def _mark(cell: str, kind: str, label: str, fail) -> int:
    """The value of one cell: 1/0 for a mark, the points for a points ballot."""
    if kind == "points":
        points = 0 if cell == "" else parse_int(cell)
        if points is None or points < 0:
            raise fail(f"points for {label!r} must be a whole number >= 0, not {cell!r}")
        return points
    if cell in _MARKED:
        return 1
    if cell in _UNMARKED:
        return 0
    raise fail(f"the cell for {label!r} must be 1 or x (chosen) or empty, not {cell!r}")


def _read_yes_no(header, rows, spec, fail) -> ApprovalProfile:
    """Yes/no layout: one ``answer`` column."""
    if header != ["answer"]:
        raise fail(f"a yes/no ballot file has the single column 'answer', found {header!r}")
    dense = []
    for row in rows:
        if len(row) != 1:
            raise fail(f"{len(row)} cells, the header has 1")
        answer = row[0].strip()
        if answer not in (YES, NO, BLANK, ""):
            raise fail(f"the answer must be 'yes', 'no' or 'blank', not {answer!r}")
        _validate(spec, None if answer == BLANK else answer, fail)
        dense.append([answer == YES, answer == NO])
    return _approval_profile(np.array(dense, np.int64).reshape(-1, 2), (YES, NO))


def _approval_profile(dense: np.ndarray, options: Sequence[str]) -> ApprovalProfile:
    """An ApprovalProfile of dense rows, identical rows merged."""
    distinct, counts = merge_rows(dense, np.ones(len(dense), np.int64))
    if len(dense) == 0:
        distinct = dense
    from scipy import sparse  # slow to import; ranked and BLT files never need it

    return ApprovalProfile(sparse.csr_matrix(distinct), counts, tuple(options))


def write_ballot_csv(
    profile: RankedProfile | ApprovalProfile, file: Source, *, kind: str | None = None
) -> None:
    """Writes one row per ballot (each distinct ballot ``count`` times).

    Args:
        profile: the ballots.
        file: a path, or a text or binary file object.
        kind: the layout; default ranked for a RankedProfile, points when an
            ApprovalProfile holds any value other than 1, else approval.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> write_ballot_csv(RankedProfile.from_ballots([[1, 0], [1]], ["a", "b"]), out)
        >>> out.getvalue().splitlines()
        ['rank_1,rank_2', 'b,', 'b,a']
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    labels = profile.options
    if isinstance(profile, RankedProfile):
        width = max(1, profile.rankings.shape[1])  # keeps the rank columns of the source
        writer.writerow([f"rank_{i}" for i in range(1, width + 1)])
        for ballot, count in profile.ballots():
            cells = [labels[o] for o in ballot] + [""] * (width - len(ballot))
            writer.writerows([cells] * count)
    else:
        dense = profile.matrix.toarray()
        if kind is None:
            kind = "points" if (profile.matrix.data != 1).any() else "approval"
        if kind == "yes_no":
            writer.writerow(["answer"])
            for marks, count in zip(dense, profile.counts, strict=True):
                answer = YES if marks[0] else NO if marks[1] else BLANK
                writer.writerows([[answer]] * int(count))
        else:
            writer.writerow(labels)
            for marks, count in zip(dense, profile.counts, strict=True):
                if kind == "points":
                    cells = [str(v) if v else "" for v in marks]
                else:
                    cells = ["x" if v else "" for v in marks]
                writer.writerows([cells] * int(count))
    write_text(out.getvalue(), file)
