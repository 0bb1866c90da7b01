"""Test helpers for the budget rules: load .pb files and talk to pabutools.

``load_election`` uses Wijkstem's own reader ``ballots.formats.pabulib.read_pb``
once it exists; until then it builds the PBElection from pabutools' parser, an
independent implementation of the Pabulib format.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from pabutools.election import (
    ApprovalBallot,
    Instance,
    parse_pabulib,
)
from pabutools.election import (
    ApprovalProfile as PabuApprovalProfile,
)
from pabutools.election import (
    Project as PabuProject,
)

from ballots.election import ORDINAL, PBElection, Project
from ballots.profile import ApprovalProfile, RankedProfile
from tests.refdata import PB

PB_DIR = PB


def cents(amount: Fraction | int | str) -> int:
    """An amount of currency as exact integer cents."""
    value = Fraction(amount) * 100
    assert value.denominator == 1, f"{amount} has fractions of a cent"
    return int(value)


def load_election(name: str) -> PBElection:
    """Reads ``PB_DIR / name`` into a PBElection."""
    try:
        from ballots.formats.pabulib import read_pb  # type: ignore[import-not-found]
    except ImportError:
        return election_from_pabutools(*parse_pabulib(str(PB_DIR / name)))
    return read_pb(PB_DIR / name)


def election_from_pabutools(instance: Instance, profile) -> PBElection:
    """Converts a pabutools instance and profile (projects in file order)."""
    order = list(instance.project_meta) or sorted(instance, key=lambda p: p.name)
    index = {p.name: i for i, p in enumerate(order)}
    projects = tuple(Project(p.name, cents(p.cost)) for p in order)
    options = tuple(p.name for p in order)
    fields = {p.name: {k: str(v) for k, v in instance.project_meta.get(p, {}).items()}
              for p in order}
    vote_type = instance.meta.get("vote_type", "approval")
    if vote_type == ORDINAL:
        ranked = RankedProfile.from_ballots([[index[p.name] for p in b] for b in profile], options)
        return PBElection(dict(instance.meta), projects, cents(instance.budget_limit),
                          vote_type, ranked, project_fields=fields)
    ballots = []
    for ballot in profile:
        if isinstance(ballot, ApprovalBallot):
            ballots.append({index[p.name] for p in ballot})
        else:
            ballots.append({index[p.name]: int(points) for p, points in ballot.items()})
    approval = ApprovalProfile.from_ballots(ballots, options)
    return PBElection(dict(instance.meta), projects, cents(instance.budget_limit),
                      vote_type, approval, project_fields=fields)


def to_pabutools(election: PBElection) -> tuple[Instance, PabuApprovalProfile]:
    """An approval election as a pabutools instance and profile, costs in cents.

    Co-financed projects appear with their municipal cost, the part the budget
    pays; marked projects of points ballots count as approved.
    """
    projects = [PabuProject(p.id, p.municipal_cost) for p in election.projects]
    instance = Instance(projects, budget_limit=election.budget)
    matrix = election.profile.matrix
    ballots = []
    for row, count in enumerate(election.profile.counts):
        marked = matrix.indices[matrix.indptr[row]:matrix.indptr[row + 1]]
        ballot = [projects[int(o)] for o in marked]
        ballots.extend(ApprovalBallot(ballot) for _ in range(int(count)))
    return instance, PabuApprovalProfile(ballots, instance=instance)


def random_election(rng: np.random.Generator, *, n_projects: int, n_voters: int,
                    max_cost: int = 50_000, cofinanced: bool = False) -> PBElection:
    """A random approval election; costs are random so exact ties are rare."""
    costs = rng.integers(100, max_cost, n_projects)
    cofin = (rng.integers(0, costs) if cofinanced else np.zeros(n_projects, int)).tolist()
    projects = tuple(Project(f"p{i}", int(c), cofinancing=int(f) if rng.random() < 0.3 else 0)
                     for i, (c, f) in enumerate(zip(costs.tolist(), cofin, strict=True)))
    approve = rng.random(n_projects) * 0.6 + 0.05
    ballots = [set(np.flatnonzero(rng.random(n_projects) < approve).tolist())
               for _ in range(n_voters)]
    total = int(costs.sum())
    budget = int(rng.integers(total // 5, total // 2 + 2))
    profile = ApprovalProfile.from_ballots(ballots, [p.id for p in projects])
    return PBElection({}, projects, budget, "approval", profile)
