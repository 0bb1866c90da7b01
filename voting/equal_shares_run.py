"""One run of the Method of Equal Shares from a given per-voter share, exact and fast.

Why it is fast: a voter's remaining money depends only on the start share
and on which selected projects the voter approved, and voters with the same
remaining money behave the same from then on. So voters are kept in
*classes* of equal remaining money, with a dense ``classes x projects``
matrix of supporter counts. Money is exact: every class holds an integer
numerator over one common denominator (cents / ``denominator``), which is
much faster than a ``Fraction`` per class. Each step screens every project
with float arithmetic and then decides exactly among the projects whose float
value is within a relative ``SCREEN`` of the best; floats never decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np
from scipy import sparse

from voting.tiebreak import TieBreak

# Relative width of the float screens; float errors here are around 1e-12.
SCREEN = 1e-7
# Projects whose rho is computed together while screening.
BATCH = 8


@dataclass(frozen=True)
class Selection:
    """One step of equal shares: a project bought by its supporters.

    Attributes:
        option: the project's option id.
        payment: the most any supporter paid, in cents (supporters with less
            paid all they had).
        rho: payment per unit of utility, the quantity minimised.
        supporters: number of voters who approve the project.
    """

    option: int
    payment: Fraction
    rho: Fraction
    supporters: int


@dataclass(frozen=True)
class Ballots:
    """The approval ballots of an election as equal shares needs them.

    Attributes:
        weighted: ``rows x projects`` CSR, entry = number of voters of the row.
        by_project: the same matrix in CSC form (rows approving a project).
        prices: municipal cost per project, in cents (what voters pay).
        utilities: utility per project for an approver (its full cost).
        eligible: projects equal shares may buy (supported, within cap, price > 0).
        labels: project labels for tie-break draws.
        row_counts: number of voters of each row.
    """

    weighted: sparse.csr_matrix
    by_project: sparse.csc_matrix
    prices: np.ndarray
    utilities: np.ndarray
    eligible: np.ndarray
    labels: tuple[str, ...]
    row_counts: np.ndarray

    def expansion(self, option: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The rows approving ``option`` and, per approval on them, row position, project, count.

        Cached: Add1 pays for the same projects in run after run.
        """
        cache = self.__dict__.setdefault("_expansions", {})
        if option not in cache:
            rows = self.by_project.indices[self.by_project.indptr[option]:
                                           self.by_project.indptr[option + 1]]
            sub = self.weighted[rows]
            cells = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
            cache[option] = (rows, cells, sub.indices.astype(np.int64), sub.data.astype(np.float64))
        return cache[option]

    @cached_property
    def supporters(self) -> np.ndarray:
        """Number of voters approving each project."""
        return np.asarray(self.weighted.sum(axis=0)).ravel()


class Classes:
    """Voters grouped by equal remaining money ``nums[c] / denominator`` cents."""

    def __init__(self, ballots: Ballots, share: Fraction) -> None:
        self.ballots = ballots
        self.row_class = np.zeros(ballots.weighted.shape[0], np.int64)
        self.denominator = share.denominator
        self.nums = np.array([share.numerator], dtype=object)
        self.money_f = np.array([float(share)])
        # Counts are float64 for fast products; they stay exact integers below 2**53.
        self.matrix = ballots.supporters.astype(np.float64).reshape(1, -1)
        self.sizes = np.array([float(ballots.row_counts.sum())])
        self.dead = 0

    def money(self, c: int) -> Fraction:
        """Exact money of each voter of class ``c``, in cents."""
        return Fraction(self.nums[c], self.denominator)

    def total_money(self, option: int) -> Fraction:
        """Total money left with the supporters of ``option``."""
        column = self.matrix[:, option]
        members = np.flatnonzero(column)
        return Fraction(_dot(column[members], self.nums[members]), self.denominator)

    def payment(self, option: int, estimate: float) -> Fraction:
        """Smallest q with the sum over supporters of min(money, q) equal to the price.

        ``estimate`` (the float q) splits the supporters into sure payers of all
        they have, sure payers of q, and a few near q handled in exact order;
        the split is then checked exactly and redone in full if it was wrong.
        """
        column = self.matrix[:, option]
        members = np.flatnonzero(column)
        money = self.money_f[members]
        low, high = estimate * (1 - SCREEN), estimate * (1 + SCREEN)
        poor, rich = members[money < low], members[money > high]
        near = members[(money >= low) & (money <= high)].tolist()
        price = int(self.ballots.prices[option])
        found = self._solve(price, column, poor, near)
        if found is not None:
            owed, count = found
            poorest_rich = min(self.nums[rich]) if len(rich) else None
            richest_poor = max(self.nums[poor]) if len(poor) else None
            if ((richest_poor is None or richest_poor * count <= owed)
                    and (poorest_rich is None or poorest_rich * count >= owed)):
                return Fraction(owed, count * self.denominator)
        found = self._solve(price, column, members[:0], members.tolist())
        assert found is not None, "payment asked for an unaffordable project"
        owed, count = found
        return Fraction(owed, count * self.denominator)

    def _solve(self, price: int, column: np.ndarray, poor: np.ndarray,
               near: list[int]) -> tuple[int, int] | None:
        """(price * denominator - paid by the poor, number still paying) for q."""
        owed = price * self.denominator
        owed -= _dot(column[poor], self.nums[poor])
        count = int(column.sum()) - int(column[poor].sum())
        for c in sorted(near, key=lambda c: self.nums[c]):
            if owed <= count * self.nums[c]:
                return owed, count
            owed -= int(column[c]) * self.nums[c]
            count -= int(column[c])
        return (owed, count) if count > 0 else None

    def float_payments(self, options: np.ndarray, order: np.ndarray) -> np.ndarray:
        """Approximate q for each of ``options``; ``order`` sorts the classes by money."""
        money = self.money_f[order]
        counts = self.matrix[np.ix_(order, options)]
        spend = counts * money[:, None]
        paid_before = np.cumsum(spend, axis=0) - spend
        count_from = np.cumsum(counts[::-1], axis=0)[::-1]
        prices = self.ballots.prices[options].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = (prices[None, :] - paid_before) / count_from
        valid = (q <= money[:, None]) & (count_from > 0)
        first = np.argmax(valid, axis=0)
        result = q[first, np.arange(len(options))]
        # No valid row only when money ~ price within float error: all pay all.
        return np.where(valid.any(axis=0), result, money[-1])

    def pay(self, option: int, payment: Fraction, active: np.ndarray) -> None:
        """Supporters of ``option`` pay ``min(money, payment)``.

        A class whose voters all approve ``option`` just has less money; a class
        split by it gives its approvers a new class. Voters left with no money,
        or who approve nothing still buyable, can no longer matter and are dropped.
        """
        denominator = math.lcm(self.denominator, payment.denominator)
        if denominator != self.denominator:
            self.nums = self.nums * (denominator // self.denominator)
            self.denominator = denominator
        price = payment.numerator * (denominator // payment.denominator)
        affected = np.flatnonzero(self.matrix[:, option])
        left = self.nums[affected] - price
        left = np.where(left > 0, left, 0)
        whole = self.matrix[affected, option] == self.sizes[affected]
        in_place = affected[whole]
        self.nums[in_place] = left[whole]
        self.money_f[in_place] = [num / denominator for num in left[whole]]
        split, split_left = affected[~whole], left[~whole]
        target = np.full(len(self.nums) + 1, -1, np.int64)  # index -1: dropped rows
        first_new = len(self.nums)
        alive = split_left > 0
        target[split[alive]] = len(self.nums) + np.arange(int(alive.sum()))
        if alive.any():
            grown = int(alive.sum())
            self.nums = np.concatenate([self.nums, split_left[alive]])
            self.money_f = np.concatenate(
                [self.money_f, [num / denominator for num in split_left[alive]]])
            self.matrix = np.vstack([self.matrix, np.zeros((grown, self.matrix.shape[1]))])
            self.sizes = np.concatenate([self.sizes, np.zeros(grown)])
        is_split = np.zeros(len(target), bool)
        is_split[split] = True
        rows, cells, cols, data = self.ballots.expansion(option)
        old = self.row_class[rows]
        moving = is_split[old]
        self.row_class[rows[moving]] = target[old[moving]]
        self._move(rows[moving], old[moving], old[cells], cols, data, split, target, first_new)
        broke = in_place[left[whole] == 0]
        self.sizes[broke] = 0
        self.matrix[broke] = 0
        self.dead += len(broke) + len(split)
        self._compact(active)

    def _move(self, rows: np.ndarray, old: np.ndarray, old_cells: np.ndarray, cols: np.ndarray,
              data: np.ndarray, split: np.ndarray, target: np.ndarray, first_new: int) -> None:
        """Moves approvals of the split classes' rows to their new classes (-1: dropped).

        ``rows``/``old`` are the moving rows and their classes; ``old_cells``,
        ``cols`` and ``data`` give, for every approval of every row approving the
        paid project, the row's old class, the project and the voter count.
        """
        n_cols = self.matrix.shape[1]
        lookup = np.full(len(target), -1, np.int64)
        lookup[split] = np.arange(len(split))
        local_cells = lookup[old_cells]
        moving = local_cells >= 0
        cells_old, cols, data = old_cells[moving], cols[moving], data[moving]
        voters = self.ballots.row_counts[rows]
        new = target[old]
        cells_new = target[cells_old]
        kept, kept_rows = cells_new >= 0, new >= 0
        grown = np.arange(first_new, len(self.nums))
        for sign, ids, cells, people, owners in (
            (-1, split, local_cells[moving], voters, lookup[old]),
            (1, grown, cells_new[kept] - first_new, voters[kept_rows], new[kept_rows] - first_new),
        ):
            used_cols, used_data = (cols, data) if sign < 0 else (cols[kept], data[kept])
            delta = np.bincount(cells * n_cols + used_cols, used_data, len(ids) * n_cols)
            self.matrix[ids] += sign * delta.reshape(-1, n_cols)
            self.sizes[ids] += sign * np.bincount(owners, people, len(ids))

    def _compact(self, active: np.ndarray) -> None:
        """Drops classes with no voters or no say any more (they approve no active project).

        Such classes are harmless (all their counts for active projects are 0),
        so this runs only once about a quarter of the classes may be dead.
        """
        if 4 * self.dead < len(self.nums):
            return
        self.dead = 0
        live = (self.sizes > 0) & self.matrix[:, active].any(axis=1)
        if live.all():
            return
        remap = np.append(np.where(live, np.cumsum(live) - 1, -1), -1)
        self.row_class = remap[self.row_class]
        self.nums = self.nums[live]
        self.money_f = self.money_f[live]
        self.matrix = self.matrix[live]
        self.sizes = self.sizes[live]


def _screen(classes: Classes, options: np.ndarray,
            bounds: np.ndarray) -> tuple[dict[int, float], dict[int, float]]:
    """Float rho (and q) of every project that may be within ``SCREEN`` of the best.

    Projects are evaluated in batches in order of their lower bounds, until the
    next bound is clearly above the best value found; ``bounds`` is updated.
    """
    order = np.argsort(classes.money_f, kind="stable")
    queue = options[np.argsort(bounds[options], kind="stable")]
    rho_f: dict[int, float] = {}
    estimates: dict[int, float] = {}
    best, start = math.inf, 0
    while start < len(queue) and bounds[queue[start]] <= best * (1 + SCREEN):
        batch = queue[start:start + BATCH]
        start += BATCH
        q = classes.float_payments(batch, order)
        rho = q / classes.ballots.utilities[batch]
        bounds[batch] = np.maximum(bounds[batch], rho)
        rho_f.update(zip(batch.tolist(), rho.tolist(), strict=True))
        estimates.update(zip(batch.tolist(), q.tolist(), strict=True))
        best = min(best, float(rho.min()))
    return rho_f, estimates


def _dot(counts: np.ndarray, nums: np.ndarray) -> int:
    """Exact sum of counts times big-integer numerators."""
    return int(np.dot(counts.astype(np.int64).astype(object), nums)) if len(counts) else 0


@dataclass
class Run:
    """What one run of equal shares did.

    Attributes:
        share: the start share per voter, in cents.
        selections: the projects bought, in order.
        runner_up: per selection, the float rho of the best other affordable
            project (``inf`` if none); Add1 uses it to skip increments soundly.
        dropped: option -> (step, exact money its supporters had) for projects
            found unaffordable, filled only when asked to explain.
    """

    share: Fraction
    selections: list[Selection] = field(default_factory=list)
    runner_up: list[float] = field(default_factory=list)
    dropped: dict[int, tuple[int, Fraction]] = field(default_factory=dict)

    @property
    def chosen(self) -> list[int]:
        return [s.option for s in self.selections]

    def cost(self, ballots: Ballots) -> int:
        """Cents of the budget spent by this run."""
        return sum(int(ballots.prices[s.option]) for s in self.selections)


def run_equal_shares(ballots: Ballots, share: Fraction, tie_break: TieBreak, *,
                     explain: bool = False) -> Run:
    """Equal shares from ``share`` cents per voter until no project is affordable."""
    classes = Classes(ballots, share)
    active = ballots.eligible.copy()
    run = Run(share)
    # rho never falls during a run, so the last value seen (at first, the rho
    # if every supporter could pay alike) bounds it from below.
    with np.errstate(divide="ignore"):
        bounds = ballots.prices / (ballots.supporters.astype(np.float64) * ballots.utilities)
    while True:
        options = np.flatnonzero(active)
        money_f = classes.money_f @ classes.matrix[:, options]
        prices = ballots.prices[options]
        affordable = money_f >= prices * (1 + SCREEN)
        unsure = ~affordable & (money_f >= prices * (1 - SCREEN))
        for i in np.flatnonzero(unsure):
            affordable[i] = classes.total_money(int(options[i])) >= int(prices[i])
        if explain:
            for option in options[~affordable].tolist():
                run.dropped[option] = (len(run.selections) + 1, classes.total_money(option))
        # Money only ever decreases: an unaffordable project stays unaffordable.
        active[options[~affordable]] = False
        options = options[affordable]
        if len(options) == 0:
            return run
        rho_f, estimates = _screen(classes, options, bounds)
        best_f = min(rho_f.values())
        exact = {}
        for option in [o for o, rho in rho_f.items() if rho <= best_f * (1 + SCREEN)]:
            payment = classes.payment(option, estimates[option])
            exact[option] = (payment / int(ballots.utilities[option]), payment)
        best = min(rho for rho, _ in exact.values())
        tied = [o for o, (rho, _) in exact.items() if rho == best]
        chosen = tie_break.choose(tied, labels=ballots.labels,
                                  context=f"equal shares step {len(run.selections) + 1}: equal rho")
        rho, payment = exact[chosen]
        supporters = int(ballots.supporters[chosen])
        run.selections.append(Selection(chosen, payment, rho, supporters))
        others = [bounds[o] for o in options.tolist() if o != chosen]
        run.runner_up.append(min(others, default=math.inf))
        active[chosen] = False
        classes.pay(chosen, payment, active)
