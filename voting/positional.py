"""Positional scoring: Wijktop-3 points, Borda and Dowdall.

A ballot gives ``weights[p]`` to the option it ranks in position ``p``
(0-based); positions past the end of ``weights`` and unranked options get 0.
Withdrawn options are struck from every ballot first, so later marks move up.
Options are ranked by total score, equal totals in lottery order; withdrawn
options come last. With no voters nobody is selected.

The count is one weighted ``bincount`` per ballot position over the distinct
ballots, so a million ballots take milliseconds once the profile is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from ballots.profile import RankedProfile
from voting._ranked import (
    Score,
    live_options,
    live_rankings,
    new_draws,
    order_by_score,
    weighted_count,
    withdrawn_last,
)
from voting.result import RankingResult
from voting.text import Text
from voting.tiebreak import TieBreak


def position_counts(profile: RankedProfile) -> np.ndarray:
    """``(max_rank, n_options)`` int64: how many voters put option ``o`` in position ``p``."""
    rankings = live_rankings(profile)[:, :-1]
    n = profile.n_options
    columns = [weighted_count(rankings[:, p], profile.counts, n) for p in range(rankings.shape[1])]
    return np.stack(columns) if columns else np.zeros((0, n), np.int64)


def positional(profile: RankedProfile, *, weights: Sequence[int | Fraction], rule_name: str,
               tie_break: TieBreak, seats: int = 1) -> RankingResult:
    """Ranks options by the total of position weights over all ballots.

    Args:
        profile: the ranked ballots.
        weights: points for rank 1, rank 2...; ints or Fractions (never floats).
        rule_name: name recorded in the result, e.g. ``"borda"``.
        tie_break: lottery for equal totals.
        seats: how many options are selected (the top of the ranking).

    Returns:
        RankingResult with ``scores`` the total points of every option.

    >>> p = RankedProfile.from_ballots([[0, 1], [1, 0], [1]], ["a", "b"])
    >>> r = positional(p, weights=[2, 1], rule_name="two-one", tie_break=TieBreak(1))
    >>> r.ranking, r.scores
    (('b', 'a'), {'a': 3, 'b': 5})
    """
    if seats < 1:
        raise ValueError("seats must be at least 1")
    if any(isinstance(w, float) for w in weights):
        raise TypeError("weights must be int or Fraction, not float")
    start = len(tie_break.draws)
    labels = profile.options
    per_position = position_counts(profile).tolist()
    totals: list[Score] = [0] * profile.n_options
    for p, weight in enumerate(weights[: len(per_position)]):
        for option, voters in enumerate(per_position[p]):
            totals[option] += weight * voters
    live = live_options(profile)
    ranking = order_by_score(live, totals, tie_break, labels, Text("equal points"))
    winners = ranking[:seats] if profile.n_voters else []
    return RankingResult(
        rule=rule_name,
        ranking=tuple(labels[o] for o in ranking + withdrawn_last(profile)),
        winners=tuple(labels[o] for o in winners),
        scores={labels[o]: totals[o] for o in range(profile.n_options)},
        draws=new_draws(tie_break, start),
        parameters={"seats": seats, "seed": tie_break.seed, "weights": list(weights)},
    )


def wijktop_points(profile: RankedProfile, *, tie_break: TieBreak, seats: int = 1,
                   k: int | None = None) -> RankingResult:
    """Wijktop-k points: rank 1 gets ``k`` points, rank 2 ``k - 1``, ..., rank ``k`` 1.

    ``k`` defaults to the longest ballot the profile can hold (3 for Wijktop-3).

    >>> p = RankedProfile.from_ballots([[0, 1, 2], [2, 1, 0]], ["a", "b", "c"])
    >>> wijktop_points(p, tie_break=TieBreak(0), k=3).scores
    {'a': 4, 'b': 4, 'c': 4}
    """
    k = profile.rankings.shape[1] if k is None else k
    return positional(profile, weights=list(range(k, 0, -1)), rule_name="wijktop_points",
                      tie_break=tie_break, seats=seats)


def borda(profile: RankedProfile, *, tie_break: TieBreak, seats: int = 1) -> RankingResult:
    """Borda: with ``n`` options, rank 1 gets ``n - 1``, rank 2 ``n - 2``, ..., rank n 0.

    ``n`` counts the options that are not withdrawn. A truncated ballot keeps
    these points for what it ranks and gives 0 to what it leaves out (each
    ranked option scores the number of options it is placed above, as
    pref_voting's ``domination_borda_scores``).

    >>> p = RankedProfile.from_ballots([[0, 1, 2], [1]], ["a", "b", "c"])
    >>> borda(p, tie_break=TieBreak(0)).scores
    {'a': 2, 'b': 3, 'c': 0}
    """
    n = profile.n_options - len(profile.withdrawn)
    return positional(profile, weights=list(range(n - 1, -1, -1)), rule_name="borda",
                      tie_break=tie_break, seats=seats)


def dowdall(profile: RankedProfile, *, tie_break: TieBreak, seats: int = 1) -> RankingResult:
    """Dowdall (Nauru): rank ``p`` gets ``1/p`` points, as exact fractions.

    >>> p = RankedProfile.from_ballots([[0, 1, 2], [1, 2]], ["a", "b", "c"])
    >>> r = dowdall(p, tie_break=TieBreak(0))
    >>> r.winners, r.scores["b"], r.scores["c"]
    (('b',), Fraction(3, 2), Fraction(5, 6))
    """
    width = profile.rankings.shape[1]
    return positional(profile, weights=[Fraction(1, p) for p in range(1, width + 1)],
                      rule_name="dowdall", tie_break=tie_break, seats=seats)
