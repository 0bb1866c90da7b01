"""Completing equal shares: Add1 (raise every share while the outcome fits) and greedy fill.

Add1 is the completion Assen 2024 and Świecie 2023 used, and what pabutools
computes with ``voter_budget_increment``: start from ``budget / voters`` per
voter; while the outcome is not exhaustive (an unfunded project that someone
approves still fits in the money left), add one currency unit to every
voter's share and run again; stop at the first exhaustive outcome, or, when an
outcome costs more than the budget, keep the one before it.

Running every increment is slow on city-size elections (Warsaw 2026 needs
185), so increments whose outcome provably equals the current one are
skipped. The proof, for a fixed sequence of selections: more start money
never leaves a voter with less money after a step, so every project's rho
can only fall as the share grows. If the runs at shares ``s0 < s1`` select
the same projects in the same order, and at every step the best *other*
project at ``s1`` has a larger rho than the selected one at ``s0``, then at
every share in between the same project wins each step with no tie, and the
outcome is the same. Failed checks fall back to single increments, so the
result is always that of the plain increment-by-increment loop.

Most increments still need their own run (180 of Warsaw's 185). With
``workers > 1`` the next runs are computed ahead in worker processes while
the loop checks the current one; each run depends only on its share and its
own fork of the lottery, so the result is byte-for-byte that of one process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from fractions import Fraction

import numpy as np

from voting.equal_shares_run import SCREEN, Ballots, Run, run_equal_shares
from voting.tiebreak import TieBreak


def fork(tie_break: TieBreak) -> TieBreak:
    """A copy of ``tie_break`` whose draws continue from the original's."""
    copy = TieBreak(tie_break.seed)
    copy.draws = list(tie_break.draws)
    return copy


def is_exhaustive(ballots: Ballots, chosen: list[int], left: int,
                  funded: np.ndarray | None = None) -> bool:
    """Whether no eligible project outside ``chosen`` fits in ``left`` cents."""
    out = ballots.eligible.copy()
    out[chosen] = False
    if funded is not None:
        out &= ~funded
    return not bool((ballots.prices[out] <= left).any())


def same_outcome_between(low: Run, high: Run) -> bool:
    """Whether every share between the two runs' shares gives ``low``'s outcome (see above).

    A tie is allowed when it is the same at both shares with the same exact
    rho: rho never rises with the share, so the tied projects keep that rho
    in between and the lottery sees the same tie.
    """
    if low.chosen != high.chosen or low.tied != high.tied:
        return False
    for step, selection in enumerate(low.selections):
        if low.tied[step] and selection.rho != high.selections[step].rho:
            return False
        if not high.runner_up[step] > float(selection.rho) * (1 + SCREEN):
            return False
    return True


# The ballots a worker process runs on, set once when it starts.
_worker_ballots: Ballots | None = None
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _start_worker(ballots: Ballots, parent: int | None) -> None:
    """Keeps the ballots, and ends the worker when the process that started it ends.

    Without this, ``kill`` or ``timeout`` on a tally would leave the workers running
    (the pool's own clean-up runs only when the parent exits normally). ``parent`` is
    the expected parent process (None under a forkserver, whose server is the parent).
    """
    global _worker_ballots
    _worker_ballots = ballots
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if parent is not None and os.getppid() != parent:
        os._exit(0)  # the parent ended before the line above took effect


def _run_in_worker(share: Fraction, lottery: TieBreak) -> tuple[Run, TieBreak]:
    assert _worker_ballots is not None
    return run_equal_shares(_worker_ballots, share, lottery), lottery


class Runs:
    """The runs at 0, 1, 2, ... increments, each computed once.

    With ``workers > 1`` a request for run ``k`` also starts runs ``k+1`` ...
    ``k+workers-1`` in worker processes, so that they are ready when the loop
    asks for them. Workers are forked when this process runs one thread (they
    then share the prepared ballots); a process with threads (a web server) gets
    a forkserver instead, since forking it could copy a lock another thread holds.
    """

    def __init__(self, ballots: Ballots, start: Fraction, unit: int, tie_break: TieBreak,
                 workers: int = 1) -> None:
        self.ballots, self.start, self.unit, self.tie_break = ballots, start, unit, tie_break
        self.workers = workers
        self.done: dict[int, tuple[Run, TieBreak]] = {}
        self.pending: dict[int, Future] = {}
        self.pool = None
        if workers > 1:
            method = "fork" if threading.active_count() == 1 else "forkserver"
            parent = os.getpid() if method == "fork" else None
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                            initializer=_start_worker, initargs=(ballots, parent))

    def __enter__(self) -> Runs:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def at(self, k: int) -> tuple[Run, TieBreak]:
        """The run at ``k`` increments, with the lottery fork it drew from."""
        if k in self.done:
            return self.done[k]
        if self.pool is None:
            lottery = fork(self.tie_break)
            self.done[k] = run_equal_shares(self.ballots, self.share(k), lottery), lottery
            return self.done[k]
        for ahead in range(k, k + self.workers):
            if ahead not in self.done and ahead not in self.pending:
                self.pending[ahead] = self.pool.submit(_run_in_worker, self.share(ahead),
                                                       fork(self.tie_break))
        self.done[k] = self.pending.pop(k).result()
        return self.done[k]

    def share(self, k: int) -> Fraction:
        """The start share at ``k`` increments."""
        return self.start + self.unit * k


def add1(ballots: Ballots, budget: int, n_voters: int, tie_break: TieBreak,
         *, unit: int = 100, workers: int = 1) -> tuple[Run, TieBreak, int, bool]:
    """Equal shares with the Add1 completion.

    Args:
        ballots: the prepared ballots.
        budget: cents to spend.
        n_voters: number of voters (the start share is budget / n_voters).
        tie_break: the lottery; each run draws from its own fork of it.
        unit: the increment per voter, in cents (one currency unit).
        workers: processes computing runs ahead (1: all in this process).

    Returns:
        the kept run, the fork of the lottery it drew from, the number of
        increments in its share, and whether it stopped because one more
        increment would have gone over the budget (else: the outcome is exhaustive).
    """
    start = Fraction(budget, n_voters) if n_voters else Fraction(0)
    with Runs(ballots, start, unit, tie_break, workers) as runs:
        return _add1_loop(ballots, budget, runs)


def _add1_loop(ballots: Ballots, budget: int, runs: Runs) -> tuple[Run, TieBreak, int, bool]:
    """The increments of ``add1``: a jump that fails to verify is retried shorter; the
    scan may reach its share later, so every run is kept until the end."""
    k = 0
    current, lottery = runs.at(0)
    jump = 1
    while not is_exhaustive(ballots, current.chosen, budget - current.cost(ballots)):
        candidate, candidate_lottery = runs.at(k + jump)
        if same_outcome_between(current, candidate):
            k, current, lottery = k + jump, candidate, candidate_lottery
            jump *= 2
            continue
        if jump > 1:
            jump //= 2
            continue
        if candidate.cost(ballots) > budget:
            return current, lottery, k, True
        k, current, lottery = k + 1, candidate, candidate_lottery
    return current, lottery, k, False
