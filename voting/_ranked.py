"""Shared machinery of the ranked rules: withdrawn options, weighted counts, orderings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

from ballots.profile import PAD, RankedProfile
from voting.text import Text
from voting.tiebreak import Draw, TieBreak

Score = int | Fraction


def live_rankings(profile: RankedProfile) -> np.ndarray:
    """Rankings without withdrawn options, each row shifted left so no gaps remain.

    A trailing ``PAD`` column is always added, so a pointer that runs past the
    last preference lands on ``PAD`` (exhausted) instead of out of bounds.

    >>> p = RankedProfile.from_ballots([[0, 1, 2]], ["a", "b", "c"], withdrawn=[1])
    >>> live_rankings(p).tolist()
    [[0, 2, -1, -1]]
    """
    rankings = np.asarray(profile.rankings)
    if profile.withdrawn:
        rankings = np.where(np.isin(rankings, list(profile.withdrawn)), PAD, rankings)
        # a stable sort on "is padding" keeps the order of the marks that remain
        order = np.argsort(rankings == PAD, axis=1, kind="stable")
        rankings = np.take_along_axis(rankings, order, axis=1)
    pad = np.full((rankings.shape[0], 1), PAD, dtype=rankings.dtype)
    return np.hstack([rankings, pad])


def weighted_count(keys: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
    """Sums ``counts`` per key in ``0..size-1``, skipping ``PAD`` keys; int64 result.

    bincount adds in float64, which is exact for integer sums below 2**53 voters.
    """
    sums = np.bincount(keys.astype(np.int64) + 1, weights=counts, minlength=size + 1)
    return sums[1:].astype(np.int64)


def advance(rankings: np.ndarray, pointer: np.ndarray, rows: np.ndarray,
            continuing: np.ndarray) -> None:
    """Moves ``pointer[rows]`` to each row's next continuing option (or ``PAD``).

    ``continuing`` has one entry per option plus a last ``True`` entry, so that
    ``PAD`` (index -1) stops the search: the ballot is then exhausted.
    """
    while rows.size:
        pointer[rows] += 1
        choice = rankings[rows, pointer[rows]]
        rows = rows[~continuing[choice]]


def order_by_score(options: Iterable[int], scores: Sequence[Score] | dict[int, Score],
                   tie_break: TieBreak, labels: Sequence[str], context: str) -> list[int]:
    """Options from highest to lowest score, equal scores put in lottery order."""
    groups: dict[Score, list[int]] = {}
    for option in options:
        groups.setdefault(scores[option], []).append(option)
    ordered: list[int] = []
    for score in sorted(groups, reverse=True):
        tied = groups[score]
        ordered += tied if len(tied) == 1 else tie_break.order(
            tied, labels=labels, context=Text("{context} ({score})", context=context, score=score))
    return ordered


def lowest(options: Sequence[int], scores: Sequence[Score] | dict[int, Score],
           tie_break: TieBreak, labels: Sequence[str], context: str) -> int:
    """The option with the lowest score, a tie settled by lottery."""
    least = min(scores[o] for o in options)
    return tie_break.choose([o for o in options if scores[o] == least],
                            labels=labels, context=context)


def new_draws(tie_break: TieBreak, start: int) -> tuple[Draw, ...]:
    """The draws made since the tie-break held ``start`` draws."""
    return tuple(tie_break.draws[start:])


def live_options(profile: RankedProfile) -> list[int]:
    """Option ids that may win, in id order."""
    return [o for o in range(profile.n_options) if o not in profile.withdrawn]


def withdrawn_last(profile: RankedProfile) -> list[int]:
    """Withdrawn option ids in id order: they close every ranking."""
    return sorted(profile.withdrawn)
