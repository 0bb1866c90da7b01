"""Voters of an equal-shares run, grouped into classes of equal remaining money.

A voter's money depends only on the start share and on which bought projects
the voter approved, so voters with the same such history have the same money
and act alike. A class keeps its money exactly, as an integer numerator over
one common denominator (cents / ``denominator``: much faster than a Fraction
per class), a float copy for screening, and its number of supporters of each
project still in play (a dense ``classes x columns`` float matrix whose
entries are exact integers). Voters who have no money left, or approve no
project still in play, cannot matter any more and are dropped.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from voting.equal_shares_run import Ballots

# Relative width of the float screens; float errors here are around 1e-12.
SCREEN = 1e-7


class Classes:
    """Voters grouped by equal remaining money ``nums[c] / denominator`` cents."""

    def __init__(self, ballots: Ballots, share: Fraction) -> None:
        self.ballots = ballots
        self.row_class = np.zeros(ballots.weighted.shape[0], np.int64)
        self.denominator = share.denominator
        # Columns stay fixed (projects out of play just stop mattering), so the
        # per-project expansions can carry column numbers computed once.
        self.columns = np.flatnonzero(ballots.eligible)  # project of each matrix column
        self.col_of = np.full(len(ballots.prices) + 1, -1, np.int64)
        self.col_of[self.columns] = np.arange(len(self.columns))
        self.n, self.dead = 1, 0
        # Big elections reach thousands of classes: start with room for as many
        # as an earlier run on these ballots needed (Add1 runs again and again).
        hint = ballots.__dict__.get("_class_capacity", 1024)
        capacity = min(hint, ballots.weighted.shape[0] + 1)
        self._nums = np.zeros(capacity, object)
        self._money = np.zeros(capacity)
        self._sizes = np.zeros(capacity)
        self._matrix = np.zeros((capacity, len(self.columns)))
        self._nums[0], self._money[0] = share.numerator, float(share)
        self._sizes[0] = float(ballots.row_counts.sum())
        self._matrix[0] = ballots.supporters[self.columns]

    @property
    def nums(self) -> np.ndarray:
        """Exact money numerator of each class."""
        return self._nums[:self.n]

    @property
    def money_f(self) -> np.ndarray:
        """Money of each class as a float, for screening only."""
        return self._money[:self.n]

    @property
    def sizes(self) -> np.ndarray:
        """Voters in each class."""
        return self._sizes[:self.n]

    @property
    def matrix(self) -> np.ndarray:
        """Supporters of each project still in play (columns), per class."""
        return self._matrix[:self.n]

    def column(self, option: int) -> np.ndarray:
        """Supporters of ``option`` in each class."""
        return self._matrix[:self.n, self.col_of[option]]

    def total_money(self, option: int) -> Fraction:
        """Total money left with the supporters of ``option``."""
        column = self.column(option)
        members = np.flatnonzero(column)
        return Fraction(_dot(column[members], self.nums[members]), self.denominator)

    def payment(self, option: int, estimate: float) -> Fraction:
        """Smallest q with the sum over supporters of min(money, q) equal to the price.

        ``estimate`` (the float q) splits the supporters into sure payers of all
        they have, sure payers of q, and a few near q handled in exact order;
        the split is then checked exactly and redone in full if it was wrong.
        """
        column = self.column(option)
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
        owed = price * self.denominator - _dot(column[poor], self.nums[poor])
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
        # Two takes are several times faster than one np.ix_ gather.
        counts = np.take(np.take(self.matrix, self.col_of[options], axis=1), order, axis=0)
        spend = counts * money[:, None]
        paid_before = np.cumsum(spend, axis=0) - spend
        count_from = np.cumsum(counts[::-1], axis=0)[::-1]
        prices = self.ballots.prices[options].astype(np.float64)
        q = np.divide(prices[None, :] - paid_before, count_from,
                      out=np.full_like(count_from, np.inf), where=count_from > 0)
        valid = q <= money[:, None]  # q is inf where nobody is left to pay
        first = np.argmax(valid, axis=0)
        result = q[first, np.arange(len(options))]
        # No valid row only when money ~ price within float error: all pay all.
        return np.where(valid.any(axis=0), result, money[-1])

    def money_of(self, options: np.ndarray) -> np.ndarray:
        """Float total money of the supporters of each of ``options``."""
        return (self.money_f @ self.matrix)[self.col_of[options]]

    def pay(self, option: int, payment: Fraction, active: np.ndarray) -> None:
        """Supporters of ``option`` pay ``min(money, payment)``.

        A class whose voters all approve ``option`` just has less money; a class
        split by it gives its approvers a new class.
        """
        denominator = math.lcm(self.denominator, payment.denominator)
        if denominator != self.denominator:
            self._nums[:self.n] *= denominator // self.denominator
            self.denominator = denominator
        price = payment.numerator * (denominator // payment.denominator)
        column = self.column(option)
        affected = np.flatnonzero(column)
        left = self.nums[affected] - price
        # Who keeps money: floats decide where clearly apart (money_f is within
        # an ulp or two of exact), big integers only near the payment.
        money, paid = self.money_f[affected], float(payment)
        positive = money > paid * (1 + SCREEN)
        for i in np.flatnonzero(~positive & (money >= paid * (1 - SCREEN))).tolist():
            positive[i] = left[i] > 0
        left = np.where(positive, left, 0)
        whole = column[affected] == self.sizes[affected]
        in_place = affected[whole]
        self.nums[in_place] = left[whole]
        self.money_f[in_place] = _floats(left[whole], denominator)
        broke = in_place[~positive[whole]]
        split, split_left = affected[~whole], left[~whole]
        alive = positive[~whole]
        first_new = self.n
        target = np.full(self.n + 1, -1, np.int64)  # index -1: dropped rows
        target[split[alive]] = first_new + np.arange(int(alive.sum()))
        self._grow(split_left[alive], denominator)
        self._move(option, split, alive, target, first_new)
        self.sizes[broke] = 0
        self.matrix[broke] = 0
        # Classes left approving nothing still in play are as good as dead.
        touched = np.concatenate([affected, np.arange(first_new, self.n)])
        in_play = active[self.columns].astype(np.float64)
        still_useful = np.take(self._matrix, touched, axis=0) @ in_play > 0
        self.dead += len(touched) - int(still_useful.sum())
        self._compact(active)

    def _grow(self, nums: np.ndarray, denominator: int) -> None:
        """Appends empty classes holding ``nums`` each (capacity doubles as needed)."""
        needed = self.n + len(nums)
        if needed > len(self._nums):
            capacity = max(2 * len(self._nums), needed)
            extra = capacity - len(self._nums)
            self._nums = np.concatenate([self._nums, np.zeros(extra, object)])
            self._money = np.concatenate([self._money, np.zeros(extra)])
            self._sizes = np.concatenate([self._sizes, np.zeros(extra)])
            self._matrix = np.vstack([self._matrix, np.zeros((extra, self._matrix.shape[1]))])
            self.ballots.__dict__["_class_capacity"] = capacity
        end = self.n + len(nums)
        self._nums[self.n:end] = nums
        self._money[self.n:end] = _floats(nums, denominator)
        self._sizes[self.n:end] = 0
        self._matrix[self.n:end] = 0
        self.n = end

    def _move(self, option: int, split: np.ndarray, alive: np.ndarray, target: np.ndarray,
              first_new: int) -> None:
        """Moves the approvers of ``option`` out of the ``split`` classes.

        Split class ``split[i]`` loses its approvers of ``option``; they form the
        new class ``target[split[i]]`` when ``alive[i]``, else they are dropped.
        """
        rows, cells, cols, data, counts = self.ballots.expansion(option)
        old = self.row_class[rows]
        # Rows staying put (and dropped rows, class -1) go to a spare last bucket.
        spare = len(split)
        lookup = np.full(len(target), spare, np.int64)
        lookup[split] = np.arange(spare)
        local = lookup[old]
        moving = local < spare
        self.row_class[rows[moving]] = target[old[moving]]
        n_cols = self._matrix.shape[1]
        # Multiplying per row, not per approval: rows are several times fewer.
        delta = np.bincount((local * n_cols)[cells] + cols, data,
                            (spare + 1) * n_cols)[:spare * n_cols].reshape(-1, n_cols)
        people = np.bincount(local, counts, spare + 1)[:spare]
        self._matrix[split] -= delta
        self._sizes[split] -= people
        self._matrix[first_new:self.n] = delta[alive]
        self._sizes[first_new:self.n] = people[alive]

    def _compact(self, active: np.ndarray) -> None:
        """Drops dead classes: broke, or approving no project still in play.

        They are harmless until then (they count 0 for every project still in
        play), so this runs only once about a third may be dead.
        """
        if 3 * self.dead < self.n:
            return
        self.dead = 0
        live = (self.sizes > 0) & self.matrix[:, active[self.columns]].any(axis=1)
        remap = np.append(np.where(live, np.cumsum(live) - 1, -1), -1)
        self.row_class = remap[self.row_class]
        n = int(live.sum())
        # In place: the arrays keep their capacity for the classes to come.
        self._nums[:n] = self.nums[live]
        self._money[:n] = self.money_f[live]
        self._sizes[:n] = self.sizes[live]
        self._matrix[:n] = self.matrix[live]
        self.n = n


def _floats(nums: np.ndarray, denominator: int) -> np.ndarray:
    """Floats of big-integer numerators over ``denominator``, to about an ulp (screening only)."""
    # Shifting keeps float() in range; what it drops is below 2**-900 cents.
    shift = max(0, denominator.bit_length() - 900)
    if shift:
        nums, denominator = np.asarray(nums, object) >> shift, denominator >> shift
    return np.asarray(nums, object).astype(np.float64) / float(denominator)


def _dot(counts: np.ndarray, nums: np.ndarray) -> int:
    """Exact sum of counts times big-integer numerators."""
    return int(np.dot(counts.astype(np.int64).astype(object), nums)) if len(counts) else 0
