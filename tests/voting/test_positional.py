"""Positional scoring: Wijktop points, Borda, Dowdall."""

from __future__ import annotations

import csv
import doctest
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import voting._ranked
import voting.positional
from ballots.profile import RankedProfile
from tests.refdata import PB
from tests.voting.conftest import profile_of, random_profile, to_pref_voting
from voting.positional import borda, dowdall, positional, wijktop_points
from voting.tiebreak import TieBreak

KRAKOW = PB / "Poland_Krakow_2024_Swoszowice.pb"


@pytest.mark.parametrize("module", [voting.positional, voting._ranked])
def test_docstring_examples(module) -> None:
    outcome = doctest.testmod(module)
    assert outcome.attempted >= 1 and outcome.failed == 0


def _krakow() -> tuple[RankedProfile, dict[str, int]]:
    """Kraków 2024 Swoszowice ballots and the published 3-2-1 score of each project."""
    lines = KRAKOW.read_text(encoding="utf-8").splitlines()
    start_projects, start_votes = lines.index("PROJECTS"), lines.index("VOTES")
    projects = list(csv.DictReader(lines[start_projects + 1 : start_votes], delimiter=";"))
    ids = [p["project_id"] for p in projects]
    index = {p: i for i, p in enumerate(ids)}
    votes = csv.DictReader(lines[start_votes + 1 :], delimiter=";")
    ballots = [[index[p] for p in row["vote"].split(",")] for row in votes]
    official = {p["project_id"]: int(p["score"]) for p in projects}
    return RankedProfile.from_ballots(ballots, ids), official


def test_wijktop_points_reproduce_krakow_published_scores() -> None:
    profile, official = _krakow()
    result = wijktop_points(profile, tie_break=TieBreak(0), k=3)
    assert profile.n_voters == 2341
    assert result.scores == official
    assert result.ranking[0] == max(official, key=official.__getitem__)


@pytest.mark.parametrize("truncate", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_borda_scores_match_pref_voting(seed: int, truncate: bool) -> None:
    from pref_voting.scoring_methods import domination_borda_scores

    profile = random_profile(seed, voters=40, options=5, truncate=truncate)
    result = borda(profile, tie_break=TieBreak(seed))
    pv = to_pref_voting(profile)
    theirs = pv.borda_scores() if not truncate else domination_borda_scores(pv)
    assert result.scores == {f"c{c}": int(s) for c, s in theirs.items()}
    best = max(theirs.values())
    assert {int(w[1:]) for w in result.winners} <= {c for c, s in theirs.items() if s == best}


@pytest.mark.parametrize("seed", range(4))
def test_dowdall_winner_matches_pref_voting(seed: int) -> None:
    from pref_voting.scoring_methods import dowdall as pv_dowdall

    profile = random_profile(seed, voters=35, options=6, truncate=False)
    result = dowdall(profile, tie_break=TieBreak(seed))
    assert int(result.winners[0][1:]) in pv_dowdall(to_pref_voting(profile))
    assert all(isinstance(s, Fraction | int) for s in result.scores.values())


def test_dowdall_is_exact() -> None:
    profile = profile_of([(1, "abc"), (1, "bca"), (1, "cab")])
    result = dowdall(profile, tie_break=TieBreak(0))
    assert set(result.scores.values()) == {Fraction(11, 6)}
    assert len(result.draws) == 2  # three equal totals put in lottery order


def test_wijktop_points_count_each_rank() -> None:
    result = wijktop_points(profile_of([(2, "abc"), (1, "cb")]), tie_break=TieBreak(0), k=3)
    assert result.scores == {"a": 6, "b": 2 * 2 + 2, "c": 2 + 3}
    assert result.ranking == ("a", "b", "c") and result.winners == ("a",)


def test_seats_take_the_top_of_the_ranking() -> None:
    # c: 3 * 2 + 2 * 3 = 12, a: 3 * 3 + 2 * 1 = 11, b: 3 * 1 + 2 * 2 = 7
    result = wijktop_points(profile_of([(3, "acb"), (2, "cba")]), tie_break=TieBreak(0), seats=2)
    assert result.winners == result.ranking[:2] == ("c", "a")


def test_withdrawn_option_is_struck_and_ranked_last(with_withdrawn: RankedProfile) -> None:
    result = wijktop_points(with_withdrawn, tie_break=TieBreak(0), k=2)
    # 5 "acb" become "cb": c moves up to first place on those ballots
    assert result.scores == {"a": 0, "b": 5 + 4 * 2 + 3, "c": 5 * 2 + 4 + 3 * 2}
    assert result.ranking == ("c", "b", "a")


def test_empty_profile_has_no_winner(empty_profile: RankedProfile) -> None:
    result = borda(empty_profile, tie_break=TieBreak(0))
    assert result.winners == () and sorted(result.ranking) == ["a", "b", "c"]
    assert set(result.scores.values()) == {0}


def test_float_weights_are_refused() -> None:
    with pytest.raises(TypeError):
        positional(profile_of([(1, "ab")]), weights=[1.0, 0.5], rule_name="x",
                   tie_break=TieBreak(0))


def test_million_ballots_match_a_plain_count() -> None:
    rng = np.random.default_rng(3)
    rows = np.argsort(rng.random((1_000_000, 9)), axis=1)[:, :3]
    profile = RankedProfile.from_array(rows, [str(i) for i in range(9)])
    result = wijktop_points(profile, tie_break=TieBreak(0), k=3)
    expected = sum(np.bincount(rows[:, p], minlength=9) * (3 - p) for p in range(3))
    assert [result.scores[str(i)] for i in range(9)] == expected.tolist()


ballots = st.lists(st.permutations(range(4)).map(lambda r: r[:3]), min_size=0, max_size=30)


@settings(max_examples=60, deadline=None)
@given(ballots, st.integers(0, 2**32 - 1))
def test_order_of_ballots_does_not_matter(rows: list[list[int]], seed: int) -> None:
    options = ["a", "b", "c", "d"]
    shuffled = list(rows)
    np.random.default_rng(seed).shuffle(shuffled)
    for rule in (wijktop_points, borda, dowdall):
        first = rule(RankedProfile.from_ballots(rows, options), tie_break=TieBreak(seed))
        second = rule(RankedProfile.from_ballots(shuffled, options), tie_break=TieBreak(seed))
        assert first == second
        assert sorted(first.ranking) == options
