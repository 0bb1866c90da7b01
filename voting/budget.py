"""The money side of budget rules: how big the budget is, and how much support each project has.

Budgets are integer cents. ``support`` is what greedy funding sorts by: the
number of approvals, the points of cumulative or scoring ballots, or
positional points for ranked ballots (a ballot of length ``k`` gives its
first choice ``k`` points, its next ``k - 1`` ... its last 1: Wijktop-3 is 3-2-1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ballots.election import PBElection
from ballots.profile import PAD, ApprovalProfile, RankedProfile


def budget_from_rate(rate_cents_per_inhabitant: int, inhabitants: int) -> int:
    """The wijkwethoudersbudget: a rate per inhabitant times the number of inhabitants.

    Args:
        rate_cents_per_inhabitant: cents per inhabitant, e.g. 300 for EUR 3.
        inhabitants: inhabitants of the wijk.

    Returns:
        The budget in cents.

    >>> budget_from_rate(300, 12_345)  # Groningen West: EUR 3 per inhabitant
    3703500
    """
    if rate_cents_per_inhabitant < 0 or inhabitants < 0:
        raise ValueError("rate and inhabitants must not be negative")
    return rate_cents_per_inhabitant * inhabitants


@dataclass(frozen=True)
class BudgetRule:
    """How a round's budget is set: a fixed amount, or a rate per inhabitant.

    >>> BudgetRule(rate=300, inhabitants=1000).amount
    300000
    >>> BudgetRule(fixed=5_720_00).amount
    572000
    """

    rate: int | None = None
    inhabitants: int | None = None
    fixed: int | None = None

    def __post_init__(self) -> None:
        by_rate = self.rate is not None or self.inhabitants is not None
        if by_rate == (self.fixed is not None):
            raise ValueError("give either a fixed amount or a rate with inhabitants, not both")
        if by_rate and (self.rate is None or self.inhabitants is None):
            raise ValueError("a budget by rate needs both the rate and the inhabitants")
        if self.fixed is not None and self.fixed < 0:
            raise ValueError("the fixed budget must not be negative")

    @property
    def amount(self) -> int:
        """The budget in cents."""
        if self.fixed is not None:
            return self.fixed
        assert self.rate is not None and self.inhabitants is not None
        return budget_from_rate(self.rate, self.inhabitants)


def support(election: PBElection) -> np.ndarray:
    """Support of each project: approvals, points, or k..1 positional points.

    Args:
        election: any PB election.

    Returns:
        int64 array with one entry per project (option id order).

    >>> from ballots import PBElection, Project, RankedProfile
    >>> p = RankedProfile.from_ballots([[2, 0, 1], [0]], ["a", "b", "c"])
    >>> e = PBElection({}, tuple(Project(x, 100) for x in "abc"), 300, "ordinal", p)
    >>> support(e).tolist()
    [3, 1, 3]
    """
    profile = election.profile
    if isinstance(profile, ApprovalProfile):
        return profile.totals().astype(np.int64)
    rankings = profile.rankings.astype(np.int64)
    marked = rankings != PAD
    lengths = marked.sum(axis=1)
    points = (lengths[:, None] - np.arange(rankings.shape[1])[None, :]) * profile.counts[:, None]
    total = np.zeros(profile.n_options, np.int64)
    np.add.at(total, rankings[marked], points[marked])
    return total


def approvals(profile: ApprovalProfile | RankedProfile) -> sparse.csr_matrix:
    """Which options each ballot row marks, as a 0/1 matrix (points and ranks dropped)."""
    if isinstance(profile, ApprovalProfile):
        matrix = profile.matrix.copy()
        matrix.eliminate_zeros()
        matrix.data = np.ones_like(matrix.data)
        return matrix.tocsr()
    rankings = profile.rankings.astype(np.int64)
    rows, cols = np.nonzero(rankings != PAD)
    data = np.ones(len(rows), np.int64)
    shape = (rankings.shape[0], profile.n_options)
    matrix = sparse.csr_matrix((data, (rows, rankings[rows, cols])), shape=shape)
    matrix.data = np.ones_like(matrix.data)  # a repeated option counts once
    return matrix


def resolve_budget(election: PBElection, budget: int | None) -> int:
    """The budget to spend: the one given, else the election's own."""
    amount = election.budget if budget is None else budget
    if amount is None:
        raise ValueError("the election has no budget; give one")
    if amount < 0:
        raise ValueError("the budget must not be negative")
    return int(amount)


def format_money(cents: int, currency: str = "EUR") -> str:
    """Cents as a plain amount for reasons, e.g. ``EUR 1,234.50``."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{currency} {whole:,}.{part:02d}"
