"""Ballot kinds, validation specs, compact profiles and file formats.

A library with no knowledge of Flask or databases: it needs only NumPy and SciPy.
"""

from ballots.election import PBElection, Project, RankedElection
from ballots.errors import BallotError, FormatError
from ballots.profile import ApprovalProfile, RankedProfile

__all__ = [
    "ApprovalProfile",
    "BallotError",
    "FormatError",
    "PBElection",
    "Project",
    "RankedElection",
    "RankedProfile",
]
