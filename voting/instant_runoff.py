"""Instant-runoff voting (IRV, alternative vote) with optional preferential ballots.

Each round counts every ballot for its most preferred continuing option. An
option with more than half of the continuing votes (ballots not yet exhausted)
wins; otherwise the option with the fewest votes is eliminated and its ballots
move to their next continuing preference, or are exhausted when they have none.
One option is eliminated per round; a tie for fewest votes is settled by the
seeded lottery (no look-back to earlier rounds). When one option remains it
wins. Withdrawn options are struck from the ballots first; ballots that rank
nothing else are exhausted from round 1. With no voters nobody is elected.

Every round records the tallies, the eliminated option, where its votes went,
and in ``transfers["exhausted"]`` the ballots exhausted before the round.

The ranking is: the winner, the other options still in the count by their last
tally, then the eliminated options, last eliminated first, then withdrawn ones.
``scores`` holds each option's tally in the last round it took part in.

Speed: rows are distinct ballots; a pointer per row marks its current choice
and only rows whose choice was just eliminated move on, so a round costs one
scan for the eliminated option plus a weighted ``bincount``.
"""

from __future__ import annotations

import numpy as np

from ballots.profile import RankedProfile
from voting._ranked import (
    advance,
    live_options,
    live_rankings,
    lowest,
    new_draws,
    order_by_score,
    weighted_count,
    withdrawn_last,
)
from voting.result import RankingResult, Round
from voting.text import Text
from voting.tiebreak import TieBreak


def instant_runoff(profile: RankedProfile, *, tie_break: TieBreak) -> RankingResult:
    """Elects one option by instant-runoff; majority of the continuing votes.

    Args:
        profile: the ranked ballots (truncated ballots allowed).
        tie_break: lottery for a tie for fewest votes.

    Returns:
        RankingResult with one Round per count.

    Example: 4 voters a > b, 3 voters b, 2 voters c > b. Nobody has 5 of 9;
    c is eliminated and its 2 votes go to b, who then wins 5 to 4.

    >>> p = RankedProfile.from_ballots([[0, 1]] * 4 + [[1]] * 3 + [[2, 1]] * 2, ["a", "b", "c"])
    >>> r = instant_runoff(p, tie_break=TieBreak(0))
    >>> r.winners, r.ranking, [dict(x.tallies) for x in r.rounds]
    (('b',), ('b', 'a', 'c'), [{'a': 4, 'b': 3, 'c': 2}, {'a': 4, 'b': 5}])
    """
    start = len(tie_break.draws)
    labels = profile.options
    n = profile.n_options
    rankings = live_rankings(profile)
    counts = profile.counts
    pointer = np.zeros(rankings.shape[0], np.int64)
    current = rankings[:, 0].copy()
    continuing = np.ones(n + 1, bool)
    for option in profile.withdrawn:
        continuing[option] = False
    hopefuls = live_options(profile)
    scores: dict[int, int] = dict.fromkeys(range(n), 0)
    eliminated: list[int] = []
    rounds: list[Round] = []
    winner = None
    while hopefuls and profile.n_voters:
        tally_array = weighted_count(current, counts, n)
        tallies = {o: int(tally_array[o]) for o in hopefuls}
        scores.update(tallies)
        active = sum(tallies.values())
        exhausted = profile.n_voters - active
        number = len(rounds) + 1
        leader = max(hopefuls, key=lambda o: tallies[o])
        if 2 * tallies[leader] > active or len(hopefuls) == 1:
            winner = leader
            rounds.append(Round(
                number, {labels[o]: tallies[o] for o in hopefuls}, elected=(labels[leader],),
                transfers={"exhausted": exhausted},
                note=Text("{option} has {votes} of {active} continuing votes.",
                          option=labels[leader], votes=tallies[leader], active=active),
            ))
            break
        loser = lowest(hopefuls, tallies, tie_break, labels,
                       Text("round {number}: fewest votes", number=number))
        shown = {labels[o]: tallies[o] for o in hopefuls}
        continuing[loser] = False
        hopefuls.remove(loser)
        eliminated.append(loser)
        moved = np.flatnonzero(current == loser)
        advance(rankings, pointer, moved, continuing)
        current[moved] = rankings[moved, pointer[moved]]
        received = weighted_count(current[moved], counts[moved], n)
        to_exhausted = tallies[loser] - int(received.sum())
        rounds.append(Round(
            number, shown, eliminated=(labels[loser],),
            transfers={"exhausted": exhausted, "to_exhausted": to_exhausted,
                       "to": {labels[o]: int(received[o]) for o in hopefuls if received[o]}},
            note=Text("No majority of {active} continuing votes; {option} is eliminated.",
                      active=active, option=labels[loser]),
        ))
    rest = [o for o in hopefuls if o != winner]
    ranking = (([winner] if winner is not None else [])
               + order_by_score(rest, scores, tie_break, labels, Text("equal last tally"))
               + eliminated[::-1])
    return RankingResult(
        rule="instant_runoff",
        ranking=tuple(labels[o] for o in ranking + withdrawn_last(profile)),
        winners=() if winner is None else (labels[winner],),
        scores={labels[o]: scores[o] for o in range(n)},
        rounds=tuple(rounds),
        draws=new_draws(tie_break, start),
        parameters={"seed": tie_break.seed},
    )
