"""Shared helpers for the ballot-library tests: reference files and equality."""


import numpy as np
import pytest

from ballots.profile import ApprovalProfile, RankedProfile
from tests.refdata import REFDATA as REFDATA_DIR

REFDATA = REFDATA_DIR
PB_FILES = sorted((REFDATA / "pb").glob("*.pb"))
BLT_FILES = sorted((REFDATA / "ranked").glob("*.blt"))


def same_profile(a: RankedProfile | ApprovalProfile, b: RankedProfile | ApprovalProfile) -> bool:
    """Same options and the same multiset of ballots (both are merged and sorted)."""
    if type(a) is not type(b) or a.options != b.options:
        return False
    if not np.array_equal(a.counts, b.counts):
        return False
    if isinstance(a, RankedProfile):
        return a.withdrawn == b.withdrawn and np.array_equal(a.rankings, b.rankings)
    return a.matrix.shape == b.matrix.shape and (a.matrix != b.matrix).nnz == 0


def same_election(a, b) -> bool:
    """PB elections equal in everything a .pb file keeps."""
    return (
        dict(a.meta) == dict(b.meta)
        and a.projects == b.projects
        and a.budget == b.budget
        and a.vote_type == b.vote_type
        and a.currency == b.currency
        and {k: dict(v) for k, v in a.project_fields.items()}
        == {k: dict(v) for k, v in b.project_fields.items()}
        and same_profile(a.profile, b.profile)
    )


@pytest.fixture(scope="session")
def pb_elections():
    """Every reference .pb file, read once: {file name: PBElection}."""
    from ballots.formats.pabulib import read_pb

    return {path.name: read_pb(path) for path in PB_FILES}
