"""The money side of budget rules: how big the budget is, and how much support each project has.

Budgets are integer cents. ``support`` is what greedy funding sorts by: the
number of approvals, the points of cumulative or scoring ballots, or
positional points for ranked ballots (a ballot of length ``k`` gives its
first choice ``k`` points, its next ``k - 1`` ... its last 1: Wijktop-3 is 3-2-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ballots.election import PBElection
from ballots.profile import PAD, ApprovalProfile, CsrArrays, RankedProfile

if TYPE_CHECKING:  # scipy.sparse costs 0.15 s to import; only approvals() needs it
    from scipy import sparse


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
    from scipy import sparse

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


def weighted_marks(profile: ApprovalProfile | RankedProfile) -> CsrArrays:
    """``approvals(profile)`` with each row times its count, as canonical CSR arrays.

    The same matrix as ``csr_matrix(approvals(p).multiply(p.counts[:, None]))``
    (indices sorted in each row, a project repeated in one approval row counted
    as often as it appears), computed with NumPy only.

    >>> p = ApprovalProfile.from_ballots([{1, 0}, {1}], ["a", "b"], weights=[2, 3])
    >>> m = weighted_marks(p)
    >>> m.indptr.tolist(), m.indices.tolist(), m.data.tolist()
    ([0, 2, 3], [0, 1, 1], [2, 2, 3])
    """
    n_rows, n_columns = len(profile.counts), profile.n_options
    if isinstance(profile, ApprovalProfile):
        arrays = profile.arrays
        kept = arrays.data != 0
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(arrays.indptr))[kept]
        columns = arrays.indices[kept].astype(np.int64)
    else:
        rankings = profile.rankings.astype(np.int64)
        rows, places = np.nonzero(rankings != PAD)
        columns = rankings[rows, places]
    keys = rows * n_columns + columns
    times = np.ones(len(keys), np.int64)
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        keys = np.sort(keys, kind="stable")
        starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
        times = np.diff(np.append(starts, len(keys)))
        keys = keys[starts]
        rows, columns = keys // n_columns, keys % n_columns
        if not isinstance(profile, ApprovalProfile):
            times = np.ones(len(keys), np.int64)  # a repeated rank counts once
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_rows))))
    data = profile.counts.astype(np.int64)[rows] * times
    return CsrArrays(data, columns, indptr.astype(np.int64), (n_rows, n_columns))


def by_column(matrix: CsrArrays) -> CsrArrays:
    """The CSC form of a CSR matrix, as arrays: ``indptr`` per column, row ``indices``.

    Rows are in increasing order within each column, as in SciPy's ``tocsc``.
    """
    n_rows, n_columns = matrix.shape
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(matrix.indptr))
    order = np.argsort(matrix.indices, kind="stable")
    indptr = np.concatenate(([0], np.cumsum(np.bincount(matrix.indices, minlength=n_columns))))
    return CsrArrays(matrix.data[order], rows[order], indptr.astype(np.int64), matrix.shape)


def resolve_budget(election: PBElection, budget: int | None) -> int:
    """The budget to spend: the one given, else the election's own."""
    amount = election.budget if budget is None else budget
    if amount is None:
        raise ValueError("the election has no budget; give one")
    if amount < 0:
        raise ValueError("the budget must not be negative")
    return int(amount)
