"""Single transferable vote for ``seats`` winners: Droop quota, weighted inclusive Gregory.

The count follows the Scottish Local Government Elections Order 2007 (rules 45-52),
with exact fractions where the Order truncates to five decimal places:

* Valid votes are the ballots that rank at least one option that is not
  withdrawn. Quota (Droop): ``floor(valid / (seats + 1)) + 1``.
* Every ballot starts at value 1 with its first preference.
* Each round begins with the tallies. Every continuing option at or over the
  quota is elected (highest tally first; equal tallies in lottery order).
* If the options still continuing are no more than the seats left, they are
  all elected and the count ends; it also ends when every seat is filled.
* Otherwise, if an elected option holds a surplus (tally above the quota) not
  yet transferred, the largest surplus is transferred (equal surpluses: lottery).
  Weighted inclusive Gregory: *every* ballot the option holds moves to its next
  continuing preference at ``value * surplus / tally``; the option keeps exactly
  the quota. The part of a ballot with no continuing preference is exhausted.
* Else the continuing option with the fewest votes is excluded (ties: lottery,
  no look-back to earlier rounds) and all its ballots move on, each at its value,
  in one round.

Ballots are kept as parcels: distinct-ballot rows sharing one option and one
value, so a transfer is a few NumPy operations per parcel and values stay
exact ``Fraction``s. Each round records its tallies, who was elected or
excluded, and in ``transfers`` the quota, the votes exhausted so far and the
surplus or exclusion moved in that round: ``from``, ``transfer_value``, ``to``
(option -> votes) and ``to_exhausted``.

Checked against Portland City Council 2024, District 1 (3 seats, whose
official count also passes surpluses on fractionally from all of a winner's
ballots): same three winners, and against pref_voting's ``stv_scottish``, which
truncates values to five decimals and breaks ties by earlier stages; the two
can differ only on such ties or when the truncation decides an exclusion.

The ranking is: the elected in order of election, the others still in the
count by tally, the excluded (last excluded first), then withdrawn options.
``scores`` holds each option's tally when elected, excluded, or at the end.
With no valid ballots nobody is elected.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ballots.profile import PAD, RankedProfile
from voting._ranked import (
    advance,
    live_options,
    live_rankings,
    lowest,
    new_draws,
    order_by_score,
    withdrawn_last,
)
from voting.result import RankingResult, Round
from voting.text import Text
from voting.tiebreak import TieBreak

Parcels = dict[Fraction, list[np.ndarray]]


class _Count:
    """Piles of ballots per option and the bookkeeping of one STV count."""

    def __init__(self, profile: RankedProfile) -> None:
        self.labels = profile.options
        self.rankings = live_rankings(profile)
        self.counts = profile.counts
        self.pointer = np.zeros(self.rankings.shape[0], np.int64)
        n = profile.n_options
        self.continuing = np.ones(n + 1, bool)
        for option in profile.withdrawn:
            self.continuing[option] = False
        self.piles: list[Parcels] = [{} for _ in range(n)]
        self.tally: list[Fraction] = [Fraction(0)] * n
        self.exhausted = Fraction(0)
        self._place(np.arange(self.rankings.shape[0]), Fraction(1), {})

    def _place(self, rows: np.ndarray, value: Fraction, moved: dict[int, Fraction]) -> None:
        """Puts ``rows`` at ``value`` on the pile of each row's current choice."""
        choice = self.rankings[rows, self.pointer[rows]]
        order = np.argsort(choice, kind="stable")
        rows, choice = rows[order], choice[order]
        bounds = np.flatnonzero(np.diff(choice)) + 1
        for part in np.split(np.arange(rows.size), bounds) if rows.size else []:
            option = int(choice[part[0]])
            votes = value * int(self.counts[rows[part]].sum())
            if option == PAD:
                self.exhausted += votes
            else:
                self.piles[option].setdefault(value, []).append(rows[part])
                self.tally[option] += votes
            moved[option] = moved.get(option, Fraction(0)) + votes

    def transfer(self, option: int, factor: Fraction) -> dict[int, Fraction]:
        """Moves every ballot of ``option`` on at ``factor`` times its value."""
        self.continuing[option] = False
        moved: dict[int, Fraction] = {}
        for value, parts in sorted(self.piles[option].items()):
            rows = np.concatenate(parts)
            advance(self.rankings, self.pointer, rows, self.continuing)
            self._place(rows, value * factor, moved)
        self.piles[option] = {}
        return moved


def single_transferable_vote(profile: RankedProfile, *, seats: int,
                             tie_break: TieBreak) -> RankingResult:
    """Elects ``seats`` options by STV (Droop quota, weighted inclusive Gregory).

    Args:
        profile: the ranked ballots (truncated ballots allowed).
        seats: number of options to elect.
        tie_break: lottery for equal tallies or surpluses.

    Returns:
        RankingResult with ``winners`` in order of election and one Round per stage.

    Example, 2 seats, 12 ballots, quota 12 // 3 + 1 = 5: 8 a > b, 3 c, 1 b.
    a is elected with a surplus of 3, passed on at 3/8 per ballot: b gets 3
    (total 4) and c stays on 3, so c is excluded and its ballots exhaust;
    b is left alone for the last seat.

    >>> p = RankedProfile.from_ballots([[0, 1]] * 8 + [[2]] * 3 + [[1]], ["a", "b", "c"])
    >>> r = single_transferable_vote(p, seats=2, tie_break=TieBreak(0))
    >>> r.winners, r.parameters["quota"], r.rounds[0].transfers["transfer_value"]
    (('a', 'b'), 5, Fraction(3, 8))
    """
    if seats < 1:
        raise ValueError("seats must be at least 1")
    start = len(tie_break.draws)
    labels = profile.options
    count = _Count(profile)
    valid = int(sum(count.tally))
    invalid = int(count.exhausted)  # ballots ranking no option that can win
    count.exhausted = Fraction(0)
    quota = valid // (seats + 1) + 1
    hopefuls = live_options(profile)
    elected: list[int] = []
    excluded: list[int] = []
    pending: list[int] = []  # elected, surplus not yet transferred
    scores: dict[int, Fraction] = {}
    rounds: list[Round] = []
    while valid and hopefuls and len(elected) < seats:
        number = len(rounds) + 1
        tallies = {labels[o]: count.tally[o] for o in sorted(hopefuls + elected)}
        exhausted = count.exhausted
        reached = [o for o in hopefuls if count.tally[o] >= quota]
        filled = len(hopefuls) - len(reached) <= seats - len(elected) - len(reached)
        if filled:
            reached = hopefuls
        now = order_by_score(reached, count.tally, tie_break, labels,
                             Text("round {number}: order of election", number=number),
                             )[: seats - len(elected)]
        for option in now:
            hopefuls.remove(option)
            elected.append(option)
            scores[option] = count.tally[option]
            count.continuing[option] = False
            pending.append(option)
        transfers: dict = {"quota": quota, "exhausted": exhausted}
        out: tuple[str, ...] = ()
        if filled or len(elected) == seats:
            note = Text("All seats are filled.")
        elif any(count.tally[o] > quota for o in pending):
            surplus = {o: count.tally[o] - quota for o in pending}
            source = order_by_score(pending, surplus, tie_break, labels,
                                    Text("round {number}: largest surplus", number=number))[0]
            factor = surplus[source] / count.tally[source]
            transfers |= _moved(count, source, factor, labels)
            count.tally[source] = Fraction(quota)
            pending = [o for o in pending if count.tally[o] > quota]
            note = Text("Surplus of {option} transferred at {factor} per vote.",
                        option=labels[source], factor=factor)
        else:
            pending = []
            source = lowest(hopefuls, count.tally, tie_break, labels,
                            Text("round {number}: fewest votes", number=number))
            hopefuls.remove(source)
            excluded.append(source)
            scores[source] = count.tally[source]
            transfers |= _moved(count, source, Fraction(1), labels)
            count.tally[source] = Fraction(0)
            out = (labels[source],)
            note = Text("{option} has the fewest votes and is excluded.", option=labels[source])
        rounds.append(Round(number, tallies, tuple(labels[o] for o in now), out, transfers, note))
    for option in hopefuls:
        scores[option] = count.tally[option]
    rest = order_by_score(hopefuls, count.tally, tie_break, labels, Text("equal tally"))
    ranking = elected + rest + excluded[::-1] + withdrawn_last(profile)
    return RankingResult(
        rule="single_transferable_vote",
        ranking=tuple(labels[o] for o in ranking),
        winners=tuple(labels[o] for o in elected),
        scores={labels[o]: scores.get(o, Fraction(0)) for o in range(profile.n_options)},
        rounds=tuple(rounds),
        draws=new_draws(tie_break, start),
        parameters={"seats": seats, "seed": tie_break.seed, "quota": quota,
                    "valid_votes": valid, "invalid_votes": invalid,
                    "quota_rule": "Droop: floor(valid / (seats + 1)) + 1",
                    "transfer_method": "weighted inclusive Gregory, exact fractions"},
    )


def _moved(count: _Count, source: int, factor: Fraction, labels: tuple[str, ...]) -> dict:
    """Transfers ``source``'s ballots and describes the move for the round record."""
    moved = count.transfer(source, factor)
    to_exhausted = moved.pop(PAD, Fraction(0))
    return {"from": labels[source], "transfer_value": factor, "to_exhausted": to_exhausted,
            "to": {labels[o]: v for o, v in sorted(moved.items())}}
