"""Schulze (beat-path) method with winning votes as the strength of a defeat.

``d[a, b]`` is the number of voters who rank ``a`` above ``b``; a ranked option
is above every option the ballot leaves out, and unranked options are tied.
A defeat ``a > b`` (``d[a, b] > d[b, a]``) has strength ``d[a, b]``; the
strength of a path is its weakest defeat, and ``p[a, b]`` is the strongest
path from ``a`` to ``b`` (Floyd-Warshall). ``a`` beats ``b`` when
``p[a, b] > p[b, a]``; this relation is transitive (Schulze 2011, section 4.1).

The ranking orders options by how many options they beat, equal counts in
lottery order. If ``a`` beats ``b``, ``a`` beats everything ``b`` beats, so this
order never puts a beaten option above its victor, and the first option is
unbeaten: a Schulze winner. When several options are unbeaten, the lottery
picks among those that beat the most. ``scores`` is that number of wins;
``parameters`` also holds the pairwise counts ``d`` and strongest paths ``p``.
Withdrawn options are struck from the ballots and ranked last. With no voters
nobody is elected.
"""

from __future__ import annotations

import numpy as np

from ballots.profile import RankedProfile
from voting._ranked import (
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


def pairwise(profile: RankedProfile) -> np.ndarray:
    """``d[a, b]``: voters ranking ``a`` above ``b`` (ranked above unranked), int64.

    With ``above[a, b]`` the voters ranking both with ``a`` first and
    ``ranked[a]`` the voters ranking ``a`` at all, a voter prefers ``a`` to ``b``
    unless they rank ``b`` above ``a`` or leave both out: ``d = ranked - above.T``.

    >>> p = RankedProfile.from_ballots([[0, 1], [2]], ["a", "b", "c"])
    >>> pairwise(p).tolist()
    [[0, 1, 1], [0, 0, 1], [1, 1, 0]]
    """
    n = profile.n_options
    rankings = live_rankings(profile)[:, :-1].astype(np.int64)
    counts = profile.counts
    width = rankings.shape[1]
    above = np.zeros(n * n, np.int64)
    ranked = np.zeros(n, np.int64)
    for p in range(width):
        first = rankings[:, p]
        ranked += weighted_count(first, counts, n)
        for q in range(p + 1, width):
            later = rankings[:, q]
            # a later PAD means the row ranks fewer than q + 1 options: no pair
            keys = np.where(later >= 0, first * n + later, -1)
            above += weighted_count(keys, counts, n * n)
    above = above.reshape(n, n)
    d = ranked[:, None] - above.T
    np.fill_diagonal(d, 0)
    return d


def strongest_paths(d: np.ndarray) -> np.ndarray:
    """Strength of the strongest path between every pair, by winning votes.

    >>> strongest_paths(np.array([[0, 2, 1], [1, 0, 2], [2, 1, 0]])).tolist()
    [[0, 2, 2], [2, 0, 2], [2, 2, 0]]
    """
    p = np.where(d > d.T, d, 0)
    for k in range(p.shape[0]):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def schulze(profile: RankedProfile, *, tie_break: TieBreak) -> RankingResult:
    """Elects the Schulze winner and ranks every option by its Schulze wins.

    Args:
        profile: the ranked ballots (truncated ballots allowed).
        tie_break: lottery for options with equal numbers of wins.

    Returns:
        RankingResult with ``scores`` the number of options each one beats.

    Example: 4 a > b > c, 3 b > c > a, 2 c > a > b is a cycle: a defeats b
    6-3, b defeats c 7-2, c defeats a 5-4. The weakest defeat (c over a, 5)
    is overruled by the path a > b > c (strength 6), so a beats both.

    >>> p = RankedProfile.from_ballots([[0, 1, 2]] * 4 + [[1, 2, 0]] * 3 + [[2, 0, 1]] * 2,
    ...                                ["a", "b", "c"])
    >>> r = schulze(p, tie_break=TieBreak(0))
    >>> r.ranking, r.scores
    (('a', 'b', 'c'), {'a': 2, 'b': 1, 'c': 0})
    """
    start = len(tie_break.draws)
    labels = profile.options
    live = live_options(profile)
    d = pairwise(profile)
    p = strongest_paths(d)
    wins = (p > p.T).sum(axis=1)
    scores = {o: int(wins[o]) for o in range(profile.n_options)}
    ranking = order_by_score(live, scores, tie_break, labels, Text("equal Schulze wins"))
    winners = ranking[:1] if profile.n_voters else []

    def table(m: np.ndarray) -> dict[str, dict[str, int]]:
        return {labels[a]: {labels[b]: int(m[a, b]) for b in live if b != a} for a in live}

    return RankingResult(
        rule="schulze",
        ranking=tuple(labels[o] for o in ranking + withdrawn_last(profile)),
        winners=tuple(labels[o] for o in winners),
        scores={labels[o]: scores[o] for o in range(profile.n_options)},
        draws=new_draws(tie_break, start),
        parameters={"seed": tie_break.seed, "strength": "winning votes",
                    "pairwise": table(d), "strongest_paths": table(p)},
    )
