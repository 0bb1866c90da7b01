"""Budget size and project support, checked against the numbers published in .pb files."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import voting.budget
import voting.equal_shares
import voting.greedy
from ballots.election import PBElection, Project
from ballots.profile import ApprovalProfile, RankedProfile
from tests.voting.pabulib_helper import load_election
from voting.budget import BudgetRule, budget_from_rate, support


def test_budget_from_rate_is_rate_times_inhabitants():
    assert budget_from_rate(300, 21_000) == 6_300_000  # EUR 3 x 21,000 inhabitants
    assert budget_from_rate(0, 500) == 0
    with pytest.raises(ValueError):
        budget_from_rate(-1, 10)


def test_budget_rule_fixed_or_by_rate():
    assert BudgetRule(fixed=572_000).amount == 572_000
    assert BudgetRule(rate=250, inhabitants=4_000).amount == 1_000_000
    for bad in ({}, {"rate": 250}, {"inhabitants": 9}, {"rate": 1, "inhabitants": 2, "fixed": 3},
                {"fixed": -5}):
        with pytest.raises(ValueError):
            BudgetRule(**bad)


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Netherlands_Amsterdam_588.pb",
                                  "Netherlands_Amsterdam_643.pb"])
def test_support_of_approval_ballots_is_the_votes_column(name):
    election = load_election(name)
    published = [int(election.project_fields[p.id]["votes"]) for p in election.projects]
    assert support(election).tolist() == published


@pytest.mark.parametrize("name", ["Poland_Czestochowa_2020_Grabowka.pb", "Switzerland_Zurich_D5.pb",
                                  "Poland_Krakow_2024_Swoszowice.pb"])
def test_support_of_points_and_ranked_ballots_is_the_score_column(name):
    # Kraków publishes 3-2-1 points of its ranked ballots as `score`.
    election = load_election(name)
    published = [int(election.project_fields[p.id]["score"]) for p in election.projects]
    assert support(election).tolist() == published


def test_ranked_support_gives_k_down_to_1_points_by_ballot_length():
    profile = RankedProfile.from_ballots([[2, 0, 1], [1, 2], [0]], ["a", "b", "c"],
                                         weights=[2, 1, 5])
    projects = tuple(Project(x, 100) for x in "abc")
    election = PBElection({}, projects, 100, "ordinal", profile)
    # a: 2x2 + 5x1, b: 2x1 + 1x2, c: 2x3 + 1x1
    assert support(election).tolist() == [9, 4, 7]


def test_support_of_an_empty_profile_is_zero():
    profile = ApprovalProfile.from_ballots([], ["a", "b"])
    election = PBElection({}, (Project("a", 1), Project("b", 2)), 3, "approval", profile)
    assert support(election).tolist() == [0, 0]
    assert support(election).dtype == np.int64


@pytest.mark.parametrize("module", [voting.budget, voting.greedy, voting.equal_shares])
def test_docstring_examples_hold(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
