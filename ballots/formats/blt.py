"""BLT files (the OpenSTV / ERS ballot format for STV and ranked elections).

Layout, one item per line (blank lines and ``#`` comment lines are ignored)::

    4 2            <- number of candidates, number of seats
    -2             <- optional: withdrawn candidates as negative ids
    12 1 3 0       <- a ballot: weight, candidate ids best first, closing 0
    7 3 0
    0              <- end of ballots
    "Anna"         <- the candidates' names in quotes, candidate 1 first
    "Bram"
    "Chris"
    "Dewi"
    "Wijkraad 2025"  <- the title in quotes (optional)

Candidates are numbered from 1 in the file and from 0 in the profile. Equal
rankings (``1=2``) are not supported and are reported as such.
"""

from __future__ import annotations

import io
import re

import numpy as np

from ballots.election import RankedElection
from ballots.errors import FormatError
from ballots.formats._source import Source, parse_int, read_text, source_name, write_text
from ballots.profile import PAD, RankedProfile

_QUOTED = re.compile(r'"([^"\n]*)"')


def read_blt(source: Source) -> RankedElection:
    """Reads a BLT file from a path or an open file.

    Args:
        source: a path, or a binary or text file object.

    Returns:
        The election: profile options are the candidate names, ``withdrawn``
        the withdrawn candidates' ids, plus seats and title.

    Raises:
        FormatError: for any malformed input, naming the line.

    Example:
        >>> import io
        >>> e = read_blt(io.StringIO('3 1\\n2 1 2 0\\n1 3 0\\n0\\n"A"\\n"B"\\n"C"\\n"Poll"\\n'))
        >>> e.seats, e.title, e.profile.options, e.profile.n_voters
        (1, 'Poll', ('A', 'B', 'C'), 3)
    """
    return parse_blt(read_text(source), path=source_name(source))


def parse_blt(text: str, *, path: str | None = None) -> RankedElection:
    """Parses the text of a BLT file (see ``read_blt``)."""
    # Lines end at \n, \r or \r\n only, as editors count them (str.splitlines would
    # also cut at form feeds, vertical tabs and U+2028, shifting the line numbers).
    all_lines = [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]
    lines = [
        (number, line.strip())
        for number, line in enumerate(all_lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    last_line = max(1, len(all_lines))

    def fail(reason: str, line: int) -> FormatError:
        return FormatError(reason, line=line, path=path)

    if not lines:
        raise fail("empty file: expected 'candidates seats' on the first line", 1)
    number, header = lines[0]
    values = [parse_int(token) for token in header.split()]
    if len(values) != 2 or None in values:
        raise fail(f"expected 'candidates seats' (two whole numbers), found {header[:40]!r}",
                   number)
    n_candidates, seats = values
    if not 1 <= n_candidates <= 100_000 or not 1 <= seats <= n_candidates:
        raise fail(f"need at least 1 candidate and 1 to {n_candidates} seats", number)
    position = 1
    withdrawn: set[int] = set()
    if position < len(lines) and lines[position][1].startswith("-"):
        number, line = lines[position]
        for token in line.split():
            value = parse_int(token)
            if value is None or not -n_candidates <= value <= -1:
                raise fail(f"withdrawn candidates are written -1..-{n_candidates}, "
                           f"not {token!r}", number)
            withdrawn.add(-value - 1)
        position += 1
    rows: list[list[int]] = []
    weights: list[int] = []
    while True:
        if position >= len(lines):
            raise fail("the file ends before the line '0' that closes the ballots", last_line)
        number, line = lines[position]
        position += 1
        if line == "0":
            break
        rows.append(_ballot(line, n_candidates, lambda reason, n=number: fail(reason, n)))
        weights.append(rows[-1].pop(0))
    names = []
    for _ in range(n_candidates):
        if position >= len(lines):
            raise fail(f"expected {n_candidates} candidate names, found {len(names)}", last_line)
        number, line = lines[position]
        position += 1
        name = _QUOTED.fullmatch(line)
        if name is None:
            raise fail(f'expected a candidate name in quotes ("Name"), found {line[:40]!r}',
                       number)
        if name.group(1) in names:
            raise fail(f"candidate name {name.group(1)!r} appears twice", number)
        names.append(name.group(1))
    title = ""
    if position < len(lines):
        number, line = lines[position]
        match = _QUOTED.fullmatch(line)
        if match is None:
            raise fail(f'expected the title in quotes, found {line[:40]!r}', number)
        title = match.group(1)
        position += 1
    if position < len(lines):
        raise fail("unexpected text after the title", lines[position][0])
    width = max((len(row) for row in rows), default=0)
    array = np.full((len(rows), max(width, 1)), PAD, dtype=np.int16 if n_candidates < 2**15
                    else np.int32)
    for i, row in enumerate(rows):
        array[i, : len(row)] = row
    profile = RankedProfile.from_array(
        array, names, weights=np.array(weights, np.int64), withdrawn=withdrawn
    )
    return RankedElection(profile, seats, title)


def _ballot(line: str, n_candidates: int, fail) -> list[int]:
    """``[weight, id, id, ...]`` (ids from 0) of a ballot line ``weight c1 c2 ... 0``."""
    tokens = line.split()
    if "=" in line:
        equal = next(t for t in tokens if "=" in t)
        raise fail(f"equal rankings ({equal!r}) are not supported; rank candidates one by one")
    if tokens[-1] != "0":
        raise fail("a ballot line ends with 0 (weight, candidates, 0)")
    weight = parse_int(tokens[0])
    if weight is None or weight < 1:
        raise fail(f"the ballot weight must be a whole number >= 1, not {tokens[0]!r}")
    ballot = [weight]
    for token in tokens[1:-1]:
        candidate = parse_int(token)
        if candidate is None or not 1 <= candidate <= n_candidates:
            raise fail(f"candidate {token!r} is not a number 1..{n_candidates}")
        if candidate - 1 in ballot[1:]:
            raise fail(f"candidate {candidate} appears twice on the ballot")
        ballot.append(candidate - 1)
    return ballot


def write_blt(election: RankedElection, file: Source) -> None:
    """Writes ``election`` as a BLT file, one line per distinct ballot with its count.

    >>> import io
    >>> out = io.StringIO()
    >>> profile = RankedProfile.from_ballots([[1, 0], [1, 0], [2]], ["A", "B", "C"])
    >>> write_blt(RankedElection(profile, 1, "Poll"), out)
    >>> out.getvalue().splitlines()[:4]
    ['3 1', '2 2 1 0', '1 3 0', '0']
    """
    write_text(format_blt(election), file)


def format_blt(election: RankedElection) -> str:
    """The text of ``election`` as a BLT file (see ``write_blt``)."""
    profile = election.profile
    for label in (*profile.options, election.title):
        if '"' in label or "\n" in label or "\r" in label:
            raise ValueError(f"BLT names cannot contain quotes or line breaks: {label!r}")
    lines = [f"{profile.n_options} {election.seats}"]
    if profile.withdrawn:
        lines.append(" ".join(f"-{o + 1}" for o in sorted(profile.withdrawn)))
    for ballot, count in profile.ballots():
        lines.append(" ".join([str(count), *(str(o + 1) for o in ballot), "0"]))
    lines.append("0")
    lines.extend(f'"{name}"' for name in profile.options)
    lines.append(f'"{election.title}"')
    return "\n".join(lines) + "\n"
