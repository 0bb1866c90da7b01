"""Instant-runoff: official outcome, pref_voting cross-checks, properties."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import voting.instant_runoff
from ballots.profile import RankedProfile
from tests.voting.conftest import random_profile, to_pref_voting
from voting.instant_runoff import instant_runoff
from voting.tiebreak import TieBreak


def test_docstring_examples() -> None:
    outcome = doctest.testmod(voting.instant_runoff)
    assert outcome.attempted >= 1 and outcome.failed == 0


def test_ballina_2015_elects_smith_although_beavis_leads_first_preferences(
    ballina: RankedProfile,
) -> None:
    result = instant_runoff(ballina, tie_break=TieBreak(0))
    first = result.rounds[0].tallies
    assert max(first, key=first.__getitem__) == "BEAVIS Kris"
    assert result.winners == ("SMITH Tamara",)
    assert result.ranking[:2] == ("SMITH Tamara", "BEAVIS Kris")
    assert result.draws == ()
    # optional preferential: ballots exhaust, the final majority is of continuing votes
    last = result.rounds[-1]
    assert last.transfers["exhausted"] > 0
    assert 2 * last.tallies["SMITH Tamara"] > sum(last.tallies.values())
    assert 2 * last.tallies["SMITH Tamara"] < ballina.n_voters


@pytest.mark.parametrize(
    ("fixture", "winner"),
    [("majority_winner", "b"), ("condorcet_not_plurality", "b"),
     ("truncated_three_way", "b"), ("with_withdrawn", "c")],
)
def test_named_profiles(fixture: str, winner: str, request: pytest.FixtureRequest) -> None:
    profile = request.getfixturevalue(fixture)
    result = instant_runoff(profile, tie_break=TieBreak(0))
    assert result.winners == (winner,)
    assert sorted(result.ranking) == sorted(profile.options)


def test_withdrawn_option_never_counts_and_comes_last(with_withdrawn: RankedProfile) -> None:
    result = instant_runoff(with_withdrawn, tie_break=TieBreak(0))
    assert "a" not in result.rounds[0].tallies
    assert result.ranking[-1] == "a" and result.scores["a"] == 0


def test_truncated_ballots_exhaust(truncated_three_way: RankedProfile) -> None:
    result = instant_runoff(truncated_three_way, tie_break=TieBreak(0))
    first, last = result.rounds
    assert first.eliminated == ("c",) and first.transfers["to"] == {"b": 3}
    assert last.tallies == {"a": 5, "b": 7} and last.elected == ("b",)


def test_tie_for_fewest_votes_is_drawn_and_recorded(condorcet_cycle: RankedProfile) -> None:
    result = instant_runoff(condorcet_cycle, tie_break=TieBreak("cycle"))
    assert result.draws[0].tied == ("a", "b", "c")
    assert result.draws[0].chosen == result.rounds[0].eliminated[0]
    assert result.parameters["seed"] == "cycle"


def test_empty_profile_elects_nobody(empty_profile: RankedProfile) -> None:
    result = instant_runoff(empty_profile, tie_break=TieBreak(0))
    assert result.winners == () and result.rounds == ()
    assert sorted(result.ranking) == ["a", "b", "c"]


@pytest.mark.parametrize("truncate", [False, True])
@pytest.mark.parametrize("seed", range(10))
def test_winner_matches_pref_voting(seed: int, truncate: bool) -> None:
    from pref_voting.iterative_methods import instant_runoff as pv_instant_runoff
    from pref_voting.iterative_methods import (
        instant_runoff_for_truncated_linear_orders,
        instant_runoff_put,
    )

    profile = random_profile(seed, voters=21 + 10 * seed, options=5, truncate=truncate)
    result = instant_runoff(profile, tie_break=TieBreak(seed))
    ours = int(result.winners[0][1:])
    pv = to_pref_voting(profile)
    # any lottery outcome must be a winner under some way of breaking the ties
    assert ours in instant_runoff_put(pv)
    if not result.draws:
        theirs = (instant_runoff_for_truncated_linear_orders(pv) if truncate
                  else pv_instant_runoff(pv))
        assert theirs == [ours]


def test_million_ballots_with_twenty_options() -> None:
    rng = np.random.default_rng(11)
    rows = np.argsort(rng.random((1_000_000, 20)), axis=1)[:, :5]
    lengths = rng.integers(1, 6, len(rows))
    rows[np.arange(5)[None, :] >= lengths[:, None]] = -1
    profile = RankedProfile.from_array(rows, [str(i) for i in range(20)])
    result = instant_runoff(profile, tie_break=TieBreak(0))
    first = np.bincount(rows[:, 0], minlength=20)
    assert [result.rounds[0].tallies[str(i)] for i in range(20)] == first.tolist()
    for r in result.rounds:
        assert sum(r.tallies.values()) + r.transfers["exhausted"] == 1_000_000


def ballots(n: int = 4):
    """Hypothesis: lists of truncated rankings of ``n`` options."""
    ranking = st.permutations(range(n)).flatmap(
        lambda r: st.integers(1, n).map(lambda k: list(r[:k])))
    return st.lists(ranking, min_size=1, max_size=40)


OPTIONS = ["a", "b", "c", "d"]


@settings(max_examples=80, deadline=None)
@given(ballots())
def test_majority_of_first_preferences_wins(rows: list[list[int]]) -> None:
    profile = RankedProfile.from_ballots(rows, OPTIONS)
    result = instant_runoff(profile, tie_break=TieBreak(0))
    firsts = np.bincount([r[0] for r in rows], minlength=4)
    if 2 * firsts.max() > len(rows):
        assert result.winners == (OPTIONS[int(firsts.argmax())],)
        assert len(result.rounds) == 1


@settings(max_examples=80, deadline=None)
@given(ballots(), st.integers(0, 2**32 - 1))
def test_order_of_ballots_does_not_matter(rows: list[list[int]], seed: int) -> None:
    shuffled = list(rows)
    np.random.default_rng(seed).shuffle(shuffled)
    first = instant_runoff(RankedProfile.from_ballots(rows, OPTIONS), tie_break=TieBreak(seed))
    second = instant_runoff(RankedProfile.from_ballots(shuffled, OPTIONS),
                            tie_break=TieBreak(seed))
    assert first == second


@settings(max_examples=80, deadline=None)
@given(ballots())
def test_rounds_account_for_every_ballot(rows: list[list[int]]) -> None:
    result = instant_runoff(RankedProfile.from_ballots(rows, OPTIONS), tie_break=TieBreak(0))
    assert sorted(result.ranking) == OPTIONS
    assert result.ranking[0] == result.winners[0]
    exhausted = 0
    for r in result.rounds:
        assert sum(r.tallies.values()) + r.transfers["exhausted"] == len(rows)
        assert r.transfers["exhausted"] >= exhausted
        exhausted = r.transfers["exhausted"]
        if r.eliminated:
            gone = r.tallies[r.eliminated[0]]
            assert sum(r.transfers["to"].values()) + r.transfers["to_exhausted"] == gone
    winner = result.winners[0]
    last = result.rounds[-1]
    assert 2 * last.tallies[winner] > sum(last.tallies.values()) or len(last.tallies) == 1
