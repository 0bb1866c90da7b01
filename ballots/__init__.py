"""Ballot kinds, validation specs, compact profiles and file formats.

A library with no knowledge of Flask or databases: it needs only NumPy and SciPy.
"""

from ballots.election import PBElection, Project, RankedElection
from ballots.errors import BallotError, FormatError
from ballots.formats import (
    load,
    read_ballot_csv,
    read_blt,
    read_pb,
    write_ballot_csv,
    write_blt,
    write_pb,
)
from ballots.profile import ApprovalProfile, RankedProfile
from ballots.specs import (
    ApprovalSpec,
    BallotSpec,
    KnapsackSpec,
    PointsSpec,
    RankedSpec,
    YesNoSpec,
    wijktop3,
)

__all__ = [
    "ApprovalProfile",
    "ApprovalSpec",
    "BallotError",
    "BallotSpec",
    "FormatError",
    "KnapsackSpec",
    "PBElection",
    "PointsSpec",
    "Project",
    "RankedElection",
    "RankedProfile",
    "RankedSpec",
    "YesNoSpec",
    "load",
    "read_ballot_csv",
    "read_blt",
    "read_pb",
    "wijktop3",
    "write_ballot_csv",
    "write_blt",
    "write_pb",
]
