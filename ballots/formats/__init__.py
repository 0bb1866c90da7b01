"""Ballot file formats: Pabulib ``.pb``, BLT and CSV of paper ballots.

``load(path)`` picks the reader from the file extension; each reader raises
``FormatError`` (with the line) for malformed input and nothing else.
"""

from __future__ import annotations

import os

from ballots.election import PBElection, RankedElection
from ballots.errors import FormatError
from ballots.formats.ballot_csv import read_ballot_csv, write_ballot_csv
from ballots.formats.blt import read_blt, write_blt
from ballots.formats.pabulib import read_pb, write_pb

__all__ = [
    "load",
    "read_ballot_csv",
    "read_blt",
    "read_pb",
    "write_ballot_csv",
    "write_blt",
    "write_pb",
]


def load(path: str | os.PathLike[str]) -> PBElection | RankedElection:
    """Reads a ballot file by its extension: .pb, .blt, or .csv (ranked ballots).

    Args:
        path: the file.

    Returns:
        A PBElection for ``.pb``; a RankedElection for ``.blt`` and ranked CSV.

    Raises:
        FormatError: unknown extension, unreadable file or malformed content.

    Example:
        >>> load("../shared/refdata/ranked/nswla_ballina_2015.blt").profile.n_voters
        47458
    """
    extension = os.path.splitext(os.fspath(path))[1].lower()
    if extension == ".pb":
        return read_pb(path)
    if extension == ".blt":
        return read_blt(path)
    if extension == ".csv":
        return RankedElection(read_ballot_csv(path, kind="ranked"))
    raise FormatError(
        f"unknown file type {extension or '(no extension)'!r}: expected .pb, .blt or .csv",
        path=os.fspath(path),
    )
