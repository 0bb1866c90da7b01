"""Schulze: pairwise counts and winners against pref_voting, Condorcet properties."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import voting.schulze
from ballots.profile import RankedProfile
from tests.voting.conftest import profile_of, random_profile, to_pref_voting
from voting.schulze import pairwise, schulze
from voting.tiebreak import TieBreak


def test_docstring_examples() -> None:
    outcome = doctest.testmod(voting.schulze)
    assert outcome.attempted >= 3 and outcome.failed == 0


@pytest.mark.parametrize("truncate", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_matches_pref_voting_beat_path(seed: int, truncate: bool) -> None:
    from pref_voting.margin_based_methods import beat_path

    profile = random_profile(seed, voters=9 + 4 * seed, options=5, truncate=truncate)
    result = schulze(profile, tie_break=TieBreak(seed))
    pv = to_pref_voting(profile)
    d = pairwise(profile)
    assert d.tolist() == [[pv.support(a, b) if a != b else 0 for b in range(5)]
                          for a in range(5)]
    # winning votes: the strength of a defeat is the number of voters behind it
    theirs = beat_path(pv, strength_function=pv.support)
    paths = result.parameters["strongest_paths"]
    unbeaten = [c for c in range(5)
                if not any(paths[f"c{o}"][f"c{c}"] > paths[f"c{c}"][f"c{o}"]
                           for o in range(5) if o != c)]
    assert unbeaten == theirs
    assert int(result.winners[0][1:]) in theirs


@pytest.mark.parametrize(
    ("fixture", "winner"),
    [("majority_winner", "b"), ("condorcet_not_plurality", "c"),
     ("truncated_three_way", "b"), ("with_withdrawn", "c")],
)
def test_named_profiles(fixture: str, winner: str, request: pytest.FixtureRequest) -> None:
    profile = request.getfixturevalue(fixture)
    result = schulze(profile, tie_break=TieBreak(0))
    assert result.winners == (winner,)
    assert sorted(result.ranking) == sorted(profile.options)


def test_cycle_of_equal_strength_is_a_lottery(condorcet_cycle: RankedProfile) -> None:
    result = schulze(condorcet_cycle, tie_break=TieBreak(0))
    assert result.scores == {"a": 0, "b": 0, "c": 0}
    assert result.draws[0].tied == ("a", "b", "c")
    assert result.winners == (result.draws[0].chosen,)


def test_wikipedia_example() -> None:
    # en.wikipedia.org/wiki/Schulze_method, 45 voters: ranking E > A > C > B > D
    profile = profile_of([(5, "acbed"), (5, "adecb"), (8, "bedac"), (3, "cabed"),
                          (7, "caebd"), (2, "cbade"), (7, "dceba"), (8, "ebadc")])
    result = schulze(profile, tie_break=TieBreak(0))
    assert result.ranking == ("e", "a", "c", "b", "d") and result.draws == ()
    assert result.parameters["strongest_paths"]["e"]["d"] == 31


def test_unranked_options_lose_to_ranked_ones_and_tie_each_other() -> None:
    profile = profile_of([(2, "a"), (1, "bc")])
    assert pairwise(profile).tolist() == [[0, 2, 2], [1, 0, 1], [1, 0, 0]]


def test_withdrawn_option_comes_last(with_withdrawn: RankedProfile) -> None:
    result = schulze(with_withdrawn, tie_break=TieBreak(0))
    assert result.ranking == ("c", "b", "a") and result.scores["a"] == 0
    assert "a" not in result.parameters["pairwise"]


def test_empty_profile_elects_nobody(empty_profile: RankedProfile) -> None:
    result = schulze(empty_profile, tie_break=TieBreak(0))
    assert result.winners == () and sorted(result.ranking) == ["a", "b", "c"]


OPTIONS = ["a", "b", "c", "d"]
ranking = st.permutations(range(4)).flatmap(lambda r: st.integers(1, 4).map(lambda k: r[:k]))
ballot_lists = st.lists(ranking, min_size=1, max_size=40)


@settings(max_examples=80, deadline=None)
@given(ballot_lists)
def test_condorcet_winner_always_wins(rows: list[list[int]]) -> None:
    profile = RankedProfile.from_ballots(rows, OPTIONS)
    d = pairwise(profile)
    result = schulze(profile, tie_break=TieBreak(0))
    condorcet = [a for a in range(4) if all(d[a, b] > d[b, a] for b in range(4) if b != a)]
    if condorcet:
        assert result.winners == (OPTIONS[condorcet[0]],)
        assert result.scores[OPTIONS[condorcet[0]]] == 3


@settings(max_examples=80, deadline=None)
@given(ballot_lists, st.integers(0, 2**32 - 1))
def test_order_of_ballots_does_not_matter(rows: list[list[int]], seed: int) -> None:
    shuffled = list(rows)
    np.random.default_rng(seed).shuffle(shuffled)
    first = schulze(RankedProfile.from_ballots(rows, OPTIONS), tie_break=TieBreak(seed))
    second = schulze(RankedProfile.from_ballots(shuffled, OPTIONS), tie_break=TieBreak(seed))
    assert first == second
    assert sorted(first.ranking) == OPTIONS


@settings(max_examples=80, deadline=None)
@given(ballot_lists)
def test_ranking_never_puts_a_beaten_option_first(rows: list[list[int]]) -> None:
    result = schulze(RankedProfile.from_ballots(rows, OPTIONS), tie_break=TieBreak(0))
    p = result.parameters["strongest_paths"]
    position = {o: i for i, o in enumerate(result.ranking)}
    for a in OPTIONS:
        for b in OPTIONS:
            if a != b and p[a][b] > p[b][a]:
                assert position[a] < position[b]
