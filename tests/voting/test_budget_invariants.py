"""Properties every budget rule must have, on random elections (hypothesis)."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import Cost_Sat
from pabutools.rules import greedy_utilitarian_welfare
from pabutools.rules import method_of_equal_shares as pabutools_mes

from ballots.election import PBElection, Project
from ballots.profile import ApprovalProfile
from tests.voting.pabulib_helper import to_pabutools
from voting.budget import support
from voting.equal_shares import method_of_equal_shares
from voting.greedy import greedy
from voting.tiebreak import TieBreak

RULES = {
    "greedy": greedy,
    "mes-plain": partial(method_of_equal_shares, completion="none"),
    "mes": partial(method_of_equal_shares, completion="add1"),
    "mes-greedy": partial(method_of_equal_shares, completion="add1-greedy"),
}
MAXIMAL = ("greedy", "mes-greedy")
STATUSES = {"funded", "skipped_cost", "over_cap", "not_funded"}
FAST = settings(max_examples=60, deadline=None, derandomize=True)


@st.composite
def elections(draw, min_cost=0, cofinancing=True) -> PBElection:
    """Up to 6 projects, up to 10 approval ballots, money in cents."""
    n = draw(st.integers(1, 6))
    costs = draw(st.lists(st.integers(min_cost, 1000), min_size=n, max_size=n))
    shares = [draw(st.integers(0, c)) if cofinancing and draw(st.booleans()) else 0 for c in costs]
    projects = tuple(Project(f"p{i}", c, cofinancing=f)
                     for i, (c, f) in enumerate(zip(costs, shares, strict=True)))
    ballots = draw(st.lists(st.sets(st.integers(0, n - 1), max_size=n), max_size=10))
    budget = draw(st.integers(0, 3000))
    profile = ApprovalProfile.from_ballots(ballots, [p.id for p in projects])
    return PBElection({}, projects, budget, "approval", profile)


caps = st.one_of(st.none(), st.integers(0, 1000))


def run(rule: str, election: PBElection, cap: int | None = None, seed: int = 0):
    return RULES[rule](election, tie_break=TieBreak(seed), cap=cap)


@pytest.mark.parametrize("rule", RULES)
@FAST
@given(election=elections(), cap=caps)
def test_money_adds_up_and_never_exceeds_the_budget(rule, election, cap):
    result = run(rule, election, cap)
    price = {p.id: p.municipal_cost for p in election.projects}
    assert 0 <= result.spent <= result.budget == election.budget
    assert result.spent == sum(price[w] for w in result.winners)  # only municipal shares
    assert result.remaining == result.budget - result.spent
    assert len(set(result.winners)) == len(result.winners)
    assert sorted(o.project for o in result.projects) == sorted(price)
    assert {o.status for o in result.projects} <= STATUSES
    assert {o.project for o in result.projects if o.status == "funded"} == set(result.winners)
    assert all(o.reason for o in result.projects)


@pytest.mark.parametrize("rule", RULES)
@FAST
@given(election=elections(), cap=caps)
def test_cap_is_respected(rule, election, cap):
    result = run(rule, election, cap)
    over = {p.id for p in election.projects if cap is not None and p.municipal_cost > cap}
    assert {o.project for o in result.projects if o.status == "over_cap"} == over
    assert not over & set(result.winners)


@pytest.mark.parametrize("rule", MAXIMAL)
@FAST
@given(election=elections(), cap=caps)
def test_greedy_rules_leave_no_supported_project_that_still_fits(rule, election, cap):
    result = run(rule, election, cap)
    backed = support(election)
    for option, project in enumerate(election.projects):
        if project.id in result.winners or backed[option] == 0:
            continue
        if cap is None or project.municipal_cost <= cap:
            assert project.municipal_cost > result.remaining


@pytest.mark.parametrize("rule", RULES)
@FAST
@given(election=elections(), cap=caps, data=st.data())
def test_order_of_ballots_does_not_matter(rule, election, cap, data):
    rows = [set(election.profile.matrix[i].indices.tolist())
            for i in range(election.profile.matrix.shape[0])]
    shuffled = data.draw(st.permutations(rows))
    profile = ApprovalProfile.from_ballots(shuffled, election.profile.options)
    other = PBElection({}, election.projects, election.budget, "approval", profile)
    first, second = run(rule, election, cap), run(rule, other, cap)
    assert first.winners == second.winners
    assert first.draws == second.draws


@pytest.mark.parametrize("rule", RULES)
@FAST
@given(election=elections(), seed=st.integers(0, 10**6))
def test_same_seed_same_result(rule, election, seed):
    assert run(rule, election, seed=seed) == run(rule, election, seed=seed)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(election=elections(min_cost=1, cofinancing=False))
def test_greedy_is_one_of_pabutools_irresolute_outcomes(election):
    result = run("greedy", election)
    instance, profile = to_pabutools(election)
    outcomes = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                          resoluteness=False)
    assert set(result.winners) in [{p.name for p in o} for o in outcomes]


@settings(max_examples=25, deadline=None, derandomize=True)
@given(election=elections(min_cost=1, cofinancing=False))
def test_equal_shares_is_one_of_pabutools_irresolute_outcomes(election):
    result = run("mes-plain", election)
    instance, profile = to_pabutools(election)
    outcomes = pabutools_mes(instance, profile, sat_class=Cost_Sat, resoluteness=False)
    assert set(result.winners) in [{p.name for p in o} for o in outcomes]
