"""Reading a CSV batch of paper ballots for one question, every bad row reported in Dutch.

The layouts are those of ``ballots.formats.ballot_csv`` (one ballot per row; the
header names the columns): ``rank_1,rank_2,...`` of option labels for a ranked
question, one column per option with ``x``/``1`` marks (approval, knapsack) or
points (points), and a single ``answer`` column of ``yes``/``no`` for yes/no.
The option labels are the initiative titles exactly as the page lists them.
A spreadsheet's semicolon-separated file is read too.

Each row is checked for its cells here (so the message can be Dutch and name
the option), then read and validated by ``read_ballot_csv`` with the question's
spec; a spec's ``BallotError`` becomes the same Dutch reason the online ballot
gives. Nothing is returned unless every row is good.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.ballots import BallotQuestion, ballot_message
from app.services.errors import MESSAGES, message_for
from ballots.errors import BallotError, FormatError
from ballots.formats.ballot_csv import BLANK, read_ballot_csv
from ballots.profile import RankedProfile

MAX_BYTES = 1024 * 1024
MAX_ROWS = 20_000
MAX_PROBLEMS = 200  # a file that is wrong everywhere: the first 200 lines say enough
_MARKS = ("1", "x", "X", "", "0")

MESSAGES.update({
    "paper_csv_too_big": _l("The file is larger than %(limit)s kB."),
    "paper_csv_header_ranked": _l("The first line must name the columns rank_1, rank_2, ... "
                                  "(found: %(found)s)."),
    "paper_csv_header_yes_no": _l("The first line must be the single column name answer "
                                  "(found: %(found)s)."),
    "paper_csv_header_option": _l("Column %(column)s is not an option of this question."),
    "paper_csv_header_twice": _l("Column %(column)s appears twice."),
    "paper_csv_cells": _l("This line has %(count)s cells; the first line has %(expected)s."),
    "paper_csv_unknown": _l("%(option)s is not an option of this question."),
    "paper_csv_gap": _l("%(column)s is empty, but a later rank is filled in."),
    "paper_csv_twice": _l("%(option)s is chosen more than once."),
    "paper_csv_mark": _l("The cell for %(option)s must be x or 1 (chosen) or empty, "
                         "not %(value)s."),
    "paper_csv_points": _l("The points for %(option)s must be a whole number of 0 or more, "
                           "not %(value)s."),
    "paper_csv_answer": _l("The answer must be yes or no, not %(value)s."),
    "paper_csv_unreadable": _l("This line cannot be read (%(reason)s)."),
    "paper_csv_no_rows": _l("The file contains no ballots."),
    "paper_csv_more": _l("Checking stopped after %(limit)s wrong lines."),
})


@dataclass(frozen=True)
class RowProblem:
    """A bad line of the file (1 is the header) and the Dutch reason."""

    line: int
    message: str


class BatchRejected(ValueError):
    """The file was refused as a whole; ``problems`` lists every bad line."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _problem(line: int, code: str, **params: Any) -> RowProblem:
    """A problem with its translated message."""
    return RowProblem(line, message_for(code, params))


def decode(data: bytes) -> str:
    """The file's text (UTF-8, a BOM dropped); BatchRejected when too big or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise BatchRejected([_problem(1, "paper_csv_too_big", limit=MAX_BYTES // 1024)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise BatchRejected([_problem(line, "csv_encoding")]) from None


def split_rows(text: str) -> list[tuple[int, list[str]]]:
    """Non-empty rows with their line numbers; a semicolon file is read as such."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if row:
                rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS + 1:
                raise BatchRejected([_problem(reader.line_num, "csv_too_many_rows",
                                              limit=MAX_ROWS)])
    except csv.Error:
        raise BatchRejected([_problem(reader.line_num, "csv_broken")]) from None
    return rows


def header_problem(item: BallotQuestion, header: list[str]) -> RowProblem | None:
    """What is wrong with the first line for this question's layout, if anything."""
    kind = item.spec.kind
    found = ",".join(header)[:80]
    if kind == "ranked":
        if header != [f"rank_{i}" for i in range(1, len(header) + 1)]:
            return _problem(1, "paper_csv_header_ranked", found=found)
    elif kind == "yes_no":
        if header != ["answer"]:
            return _problem(1, "paper_csv_header_yes_no", found=found)
    else:
        for column in header:
            if column not in item.spec.labels:
                return _problem(1, "paper_csv_header_option", column=column[:80])
            if header.count(column) > 1:
                return _problem(1, "paper_csv_header_twice", column=column[:80])
    return None


def cell_problem(item: BallotQuestion, header: list[str], cells: list[str],
                 line: int) -> RowProblem | None:
    """The first problem in a row's cells that the spec would not name, if any."""
    kind, labels = item.spec.kind, item.spec.labels
    if len(cells) != len(header):
        return _problem(line, "paper_csv_cells", count=len(cells), expected=len(header))
    if kind == "ranked":
        filled = [c for c in cells if c]
        if cells[:len(filled)] != filled:
            return _problem(line, "paper_csv_gap", column=header[cells.index("")])
        for label in filled:
            if label not in labels:
                return _problem(line, "paper_csv_unknown", option=label[:80])
            if filled.count(label) > 1:
                return _problem(line, "paper_csv_twice", option=label[:80])
    elif kind == "yes_no":
        if cells[0] not in ("yes", "no", BLANK, ""):
            return _problem(line, "paper_csv_answer", value=cells[0][:40])
    else:
        for column, cell in zip(header, cells, strict=True):
            if kind == "points" and not (cell == "" or (cell.isdigit() and len(cell) <= 9)):
                return _problem(line, "paper_csv_points", option=column, value=cell[:40])
            if kind != "points" and cell not in _MARKS:
                return _problem(line, "paper_csv_mark", option=column, value=cell[:40])
    return None


def _as_csv(*rows: list[str]) -> str:
    """Rows written as comma-separated text, as ``read_ballot_csv`` reads it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def read_row(item: BallotQuestion, header: list[str], cells: list[str]) -> Any:
    """One row read by ``read_ballot_csv`` with the spec; the answer in initiative ids.

    Raises:
        FormatError: from the reader; its ``__cause__`` is the spec's BallotError.
    """
    profile = read_ballot_csv(io.StringIO(_as_csv(header, cells)), spec=item.spec)
    ids = [o.id for o in item.options]
    if isinstance(profile, RankedProfile):
        (ranking, _count), = profile.ballots()
        return [ids[o] for o in ranking]
    marks = profile.matrix.toarray()[0].tolist()
    kind = item.spec.kind
    if kind == "yes_no":
        return "yes" if marks[0] else "no"
    if kind == "points":
        return {ids[o]: int(v) for o, v in enumerate(marks) if v}
    return sorted(ids[o] for o, v in enumerate(marks) if v)


def read_batch(item: BallotQuestion, data: bytes) -> list[Any]:
    """Every ballot of a CSV file for one question, or every bad line.

    Args:
        item: the question with its options and spec.
        data: the uploaded bytes.

    Returns:
        The answers in initiative ids, one per row, e.g. ``[[12, 7, 9], [7]]``.

    Raises:
        BatchRejected: with a Dutch reason per bad line; nothing is returned then.
    """
    rows = split_rows(decode(data))
    if not rows:
        raise BatchRejected([_problem(1, "paper_csv_no_rows")])
    (_, header), body = rows[0], rows[1:]
    header = [cell.strip() for cell in header]
    wrong = header_problem(item, header)
    if wrong:
        raise BatchRejected([wrong])
    if not body:
        raise BatchRejected([_problem(1, "paper_csv_no_rows")])
    answers, problems = [], []
    for line, row in body:
        cells = [cell.strip() for cell in row]
        problem = cell_problem(item, header, cells, line)
        if problem is None:
            try:
                answers.append(read_row(item, header, cells))
            except FormatError as error:
                cause = error.__cause__
                problem = RowProblem(line, ballot_message(item, cause)) \
                    if isinstance(cause, BallotError) else \
                    _problem(line, "paper_csv_unreadable", reason=error.reason[:80])
        if problem is not None:
            problems.append(problem)
            if len(problems) >= MAX_PROBLEMS:
                problems.append(_problem(line, "paper_csv_more", limit=MAX_PROBLEMS))
                break
    if problems:
        raise BatchRejected(problems)
    return answers


def example(item: BallotQuestion) -> str:
    """A small example file for this question's layout, with its real option labels."""
    kind, labels = item.spec.kind, list(item.spec.labels)
    if kind == "yes_no":
        return _as_csv(["answer"], ["yes"], ["no"], ["yes"])
    if kind == "ranked":
        if not labels:
            return _as_csv(["rank_1"])
        k = min(item.question.max_choices or len(labels), len(labels), 3)
        return _as_csv([f"rank_{i}" for i in range(1, k + 1)], labels[:k],
                       [labels[-1]] + [""] * (k - 1))
    if kind == "points":
        total = item.question.points_total or 1
        return _as_csv(labels, [str(total)] + [""] * (len(labels) - 1))
    return _as_csv(labels, ["x"] + [""] * (len(labels) - 1))
