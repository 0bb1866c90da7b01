"""One run of the Method of Equal Shares from a given per-voter share, exact and fast.

Voters are handled in classes of equal money (``voting.equal_shares_classes``).
Each step screens projects with float arithmetic, lazily: a project's rho
never falls during a run, so projects are evaluated in order of the last value
seen and only until the rest are clearly worse. The step is then decided
exactly among the projects whose float rho is within a relative ``SCREEN`` of
the best; floats never decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

from ballots.profile import CsrArrays
from voting.equal_shares_classes import SCREEN, Classes
from voting.text import Text
from voting.tiebreak import TieBreak

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
        weighted: ``rows x projects`` CSR arrays, entry = number of voters of the row.
        by_project: the same matrix in CSC form (``indptr`` per project, row
            ``indices``: the rows approving a project).
        prices: municipal cost per project, in cents (what voters pay).
        utilities: utility per project for an approver (its full cost).
        eligible: projects equal shares may buy (supported, within cap, price > 0).
        labels: project labels for tie-break draws.
        row_counts: number of voters of each row.
    """

    weighted: CsrArrays
    by_project: CsrArrays
    prices: np.ndarray
    utilities: np.ndarray
    eligible: np.ndarray
    labels: tuple[str, ...]
    row_counts: np.ndarray

    def expansion(self, option: int) -> tuple[np.ndarray, ...]:
        """The rows approving ``option``, and per approval of an eligible project on them:
        row position, column (among eligible projects), voters; then voters per row.

        Cached: Add1 pays for the same projects in run after run.
        """
        cache = self.__dict__.setdefault("_expansions", {})
        if option not in cache:
            rows = self.by_project.indices[self.by_project.indptr[option]:
                                           self.by_project.indptr[option + 1]]
            indptr = self.weighted.indptr
            lengths = indptr[rows + 1] - indptr[rows]
            cells = np.repeat(np.arange(len(rows)), lengths)
            # position of each entry of the chosen rows in the CSR arrays
            at = np.arange(len(cells)) + np.repeat(indptr[rows] - (np.cumsum(lengths) - lengths),
                                                   lengths)
            indices, data = self.weighted.indices[at], self.weighted.data[at]
            column_of = np.cumsum(self.eligible) - 1
            kept = self.eligible[indices]
            cache[option] = (rows, cells[kept], column_of[indices[kept]].astype(np.int64),
                             data[kept].astype(np.float64),
                             self.row_counts[rows].astype(np.float64))
        return cache[option]

    @cached_property
    def supporters(self) -> np.ndarray:
        """Number of voters approving each project."""
        return column_sums(self.by_project)


def column_sums(by_column: CsrArrays) -> np.ndarray:
    """Sum of each column of a CSC matrix given as arrays, exact in int64."""
    running = np.concatenate(([0], np.cumsum(by_column.data, dtype=np.int64)))
    return running[by_column.indptr[1:]] - running[by_column.indptr[:-1]]


def _screen(classes: Classes, options: np.ndarray,
            bounds: np.ndarray) -> tuple[dict[int, float], dict[int, float]]:
    """Float rho (and q) of every project that may be within ``SCREEN`` of the best.

    Projects are evaluated in batches in order of their lower bounds, until the
    next bound is clearly above the best value found; ``bounds`` is updated.
    """
    order = np.argsort(classes.money_f)  # ties in money do not change any q
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


@dataclass
class Run:
    """What one run of equal shares did.

    Attributes:
        share: the start share per voter, in cents.
        selections: the projects bought, in order.
        runner_up: per selection, a lower bound (float) on the rho of every
            affordable project not tied with it (``inf`` if none); Add1 uses it
            to skip increments soundly.
        tied: per selection, the projects whose rho was exactly equal (the
            lottery's choices); empty when there was no tie.
        dropped: option -> (step, exact money its supporters had) for projects
            found unaffordable, filled only when asked to explain.
    """

    share: Fraction
    selections: list[Selection] = field(default_factory=list)
    runner_up: list[float] = field(default_factory=list)
    tied: list[tuple[int, ...]] = field(default_factory=list)
    dropped: dict[int, tuple[int, Fraction]] = field(default_factory=dict)

    @property
    def chosen(self) -> list[int]:
        """Option ids bought, in order."""
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
    bounds = np.full(len(ballots.prices), np.inf)
    eligible = ballots.eligible
    bounds[eligible] = ballots.prices[eligible] / (
        ballots.supporters[eligible].astype(np.float64) * ballots.utilities[eligible])
    while True:
        options = np.flatnonzero(active)
        money_f = classes.money_of(options)
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
        chosen = tied[0] if len(tied) == 1 else tie_break.choose(
            tied, labels=ballots.labels, context=Text("equal shares step {step}: equal rho",
                                                      step=len(run.selections) + 1))
        rho, payment = exact[chosen]
        supporters = int(ballots.supporters[chosen])
        run.selections.append(Selection(chosen, payment, rho, supporters))
        others = [bounds[o] for o in options.tolist() if o not in tied]
        run.runner_up.append(min(others, default=math.inf))
        run.tied.append(tuple(sorted(tied)) if len(tied) > 1 else ())
        active[chosen] = False
        classes.pay(chosen, payment, active)
