"""Test helpers for the budget rules: real .pb files, pabutools, random elections.

Elections are read with Wijkstem's ``read_pb``; pabutools (an independent
implementation) gets the same election through ``to_pabutools``, so a
cross-check compares the rules, not two readers.
"""

from __future__ import annotations

import numpy as np
from pabutools.election import ApprovalBallot, Instance
from pabutools.election import ApprovalProfile as PabuApprovalProfile
from pabutools.election import Project as PabuProject

from ballots.election import PBElection, Project
from ballots.formats.pabulib import read_pb
from ballots.profile import ApprovalProfile
from tests.refdata import PB


def load_election(name: str) -> PBElection:
    """Reads ``refdata/pb/<name>``."""
    return read_pb(PB / name)


def selected(election: PBElection) -> set[str]:
    """Projects the file marks as selected (the official outcome)."""
    return {pid for pid, fields in election.project_fields.items() if fields.get("selected") == "1"}


def to_pabutools(election: PBElection) -> tuple[Instance, PabuApprovalProfile]:
    """An election as a pabutools approval instance and profile, money in cents.

    Projects cost their municipal cost (the part the budget pays); points
    ballots count every marked project as approved. Projects nobody marked are
    left out: our rules never fund them, pabutools' greedy would.
    """
    matrix = election.profile.matrix.tocsr()
    marked = np.asarray((matrix > 0).T @ election.profile.counts).ravel() > 0
    projects = {i: PabuProject(p.id, p.municipal_cost)
                for i, p in enumerate(election.projects) if marked[i]}
    instance = Instance(projects.values(), budget_limit=election.budget)
    ballots = []
    for row, count in enumerate(election.profile.counts):
        cells = range(matrix.indptr[row], matrix.indptr[row + 1])
        ballot = [projects[int(matrix.indices[c])] for c in cells if matrix.data[c] > 0]
        ballots.extend(ApprovalBallot(ballot) for _ in range(int(count)))
    return instance, PabuApprovalProfile(ballots, instance=instance)


def random_election(rng: np.random.Generator, *, n_projects: int, n_voters: int,
                    max_cost: int = 50_000) -> PBElection:
    """A random approval election; random costs make exact ties rare."""
    costs = rng.integers(100, max_cost, n_projects).tolist()
    projects = tuple(Project(f"p{i}", int(c)) for i, c in enumerate(costs))
    approve = rng.random(n_projects) * 0.6 + 0.05
    ballots = [set(np.flatnonzero(rng.random(n_projects) < approve).tolist())
               for _ in range(n_voters)]
    total = sum(costs)
    budget = int(rng.integers(total // 5, total // 2 + 2))
    profile = ApprovalProfile.from_ballots(ballots, [p.id for p in projects])
    return PBElection({}, projects, budget, "approval", profile)
