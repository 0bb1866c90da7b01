"""Method of Equal Shares: Assen 2024's official outcome, pabutools, and hand-checked cases."""

from __future__ import annotations

import json
import threading
import time
from fractions import Fraction

import numpy as np
import pytest
from pabutools.election import Cost_Sat
from pabutools.rules import method_of_equal_shares as pabutools_mes
from pabutools.tiebreaking import TieBreakingRule

from ballots.election import PBElection, Project
from ballots.profile import ApprovalProfile
from tests.voting.pabulib_helper import load_election, random_election, selected, to_pabutools
from voting.equal_shares import UNIT, method_of_equal_shares, prepare
from voting.equal_shares_completion import is_exhaustive
from voting.equal_shares_run import run_equal_shares
from voting.result import canonical_json
from voting.tiebreak import TieBreak

COMPLETION = {"mes-plain": "none", "mes": "add1"}


def election_of(costs, ballots, budget, cofinancing=None) -> PBElection:
    """A small approval election; projects are named a, b, c..."""
    cofinancing = cofinancing or [0] * len(costs)
    projects = tuple(Project(chr(97 + i), c, cofinancing=f)
                     for i, (c, f) in enumerate(zip(costs, cofinancing, strict=True)))
    profile = ApprovalProfile.from_ballots(ballots, [p.id for p in projects])
    return PBElection({}, projects, budget, "approval", profile)


def mes(election, completion="none", seed=0, **options):
    return method_of_equal_shares(election, tie_break=TieBreak(seed), completion=completion,
                                  **options)


def test_assen_2024_official_outcome_with_add1():
    # Official: MES with cost utilities and Add1, no greedy fill, EUR 23,300 unspent.
    election = load_election("Netherlands_Assen_2024.pb")
    for seed in range(3):  # projects 2 and 11 tie (24 supporters each); either order
        result = mes(election, "add1", seed)
        assert set(result.winners) == selected(election)
        assert result.remaining == 2_330_000 and result.spent == 7_670_000
        increments = result.parameters["increments"]
        assert result.parameters["share_per_voter"] == Fraction(10_000_000, 84) + 100 * increments


def pabutools_outcome(election, completion, first=()) -> list[str]:
    """pabutools' MES (Cost_Sat); ties go to the project listed earliest in ``first``."""
    instance, profile = to_pabutools(election)
    increment = {"none": None, "add1": UNIT}[completion]
    rank = {name: i for i, name in enumerate(first)}
    tie_breaking = TieBreakingRule(
        lambda inst, prof, project: (rank.get(project.name, len(rank)), project.name))
    outcome = pabutools_mes(instance, profile, sat_class=Cost_Sat, tie_breaking=tie_breaking,
                            voter_budget_increment=increment)
    return [p.name for p in outcome]


def assert_same_as_pabutools(election, completion, seed=0):
    result = mes(election, completion, seed)
    # pabutools breaks ties by a fixed order instead of a lottery; give it the
    # order of our winners, which agrees with every draw of our lottery.
    first = result.winners if result.draws else ()
    assert list(result.winners) == pabutools_outcome(election, completion, first)


@pytest.mark.parametrize("completion", ["none", "add1"])
@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Netherlands_Amsterdam_588.pb",
                                  "Netherlands_Amsterdam_643.pb"])
def test_matches_pabutools_on_real_approval_files(name, completion):
    assert_same_as_pabutools(load_election(name), completion)


def test_plain_matches_pabutools_on_amsterdam_621():
    # 10,081 voters, 60 projects: pabutools needs a few seconds.
    assert_same_as_pabutools(load_election("Netherlands_Amsterdam_621.pb"), "none")


@pytest.mark.parametrize("completion", ["none", "add1"])
@pytest.mark.parametrize("seed", range(20))
def test_matches_pabutools_on_random_elections(seed, completion):
    rng = np.random.default_rng(1000 + seed)
    election = random_election(rng, n_projects=int(rng.integers(2, 10)),
                               n_voters=int(rng.integers(1, 30)), max_cost=8_000)
    assert_same_as_pabutools(election, completion, seed)


def naive_add1(election) -> list[str]:
    """Add1 as its definition says: one run per increment, no increments skipped."""
    ballots = prepare(election)
    start, k, previous = Fraction(election.budget, election.profile.n_voters), 0, None
    while True:
        run = run_equal_shares(ballots, start + UNIT * k, TieBreak(0))
        cost = run.cost(ballots)
        if cost > election.budget:
            return previous
        chosen = [ballots.labels[o] for o in run.chosen]
        if is_exhaustive(ballots, run.chosen, election.budget - cost):
            return chosen
        previous, k = chosen, k + 1


@pytest.mark.parametrize("seed", range(8))
def test_add1_skipping_increments_gives_the_increment_by_increment_outcome(seed):
    rng = np.random.default_rng(seed)
    election = random_election(rng, n_projects=12, n_voters=int(rng.integers(20, 200)),
                               max_cost=30_000)
    result = mes(election, "add1")
    if not result.draws:
        assert list(result.winners) == naive_add1(election)


def test_add1_on_amsterdam_621_agrees_with_the_increment_by_increment_loop():
    election = load_election("Netherlands_Amsterdam_621.pb")
    assert list(mes(election, "add1").winners) == naive_add1(election)


def test_plain_rho_and_payments_are_exact():
    # Shares 300 each; a (600) is paid 200 by each of 3 supporters: rho = 200/600.
    election = election_of([600, 500], [{0}, {0}, {0, 1}], 900)
    result = mes(election)
    assert result.winners == ("a",)  # b's only supporter has 100 left
    step = result.rounds[0]
    assert step.transfers["rho"] == Fraction(1, 3)
    assert step.transfers["max_payment"] == 200
    assert step.transfers["effective_votes"] == 3
    assert result.parameters["share_per_voter"] == 300
    assert {o.project: o.status for o in result.projects} == {"a": "funded", "b": "not_funded"}
    assert "before step 1" in result.projects[1].reason
    assert "EUR 3.00 left" in result.projects[1].reason


def test_poorer_supporters_pay_all_they_have():
    # Shares 100. b (270, 3 supporters) goes first at 90 each, rho 1/3. Then a
    # (105): voter 2 has only 10 left and pays it, voter 1 pays q with q + 10 = 105.
    election = election_of([105, 270], [{0}, {0, 1}, {1}, {1}], 400)
    result = mes(election)
    assert result.winners == ("b", "a")
    assert result.rounds[0].transfers["max_payment"] == 90
    assert result.rounds[1].transfers["max_payment"] == 95
    assert result.rounds[1].transfers["rho"] == Fraction(95, 105)
    assert result.spent == 375
    dearer = mes(election_of([115, 270], [{0}, {0, 1}, {1}, {1}], 400))
    assert dearer.winners == ("b",)  # 100 + 10 < 115


def test_cofinancing_lowers_the_price_but_not_the_value():
    # a costs 1000 of which 500 is raised elsewhere: voter 1's 500 buys it.
    election = election_of([1000, 500], [{0}, {1}], 1000, cofinancing=[500, 0])
    result = mes(election)
    assert result.winners == ("a", "b")  # a first: 500 paid for 1000 of value
    assert result.rounds[0].transfers["rho"] == Fraction(1, 2)
    assert result.spent == 1000
    without = mes(election_of([1000, 500], [{0}, {1}], 1000))
    assert without.winners == ("b",)


def test_projects_above_the_cap_are_never_bought():
    election = election_of([600, 300], [{0}, {0}, {1}], 900)
    result = mes(election, "add1-greedy", cap=500)
    assert result.winners == ("b",)
    assert {o.project: o.status for o in result.projects}["a"] == "over_cap"


def test_fully_cofinanced_projects_are_funded_first():
    election = election_of([400, 300], [{0}, {1}], 600, cofinancing=[400, 0])
    result = mes(election)
    assert result.winners[0] == "a" and result.spent == 300


def test_equal_rho_is_broken_by_the_recorded_lottery():
    # Shares 300: either project takes all the money of both voters.
    election = election_of([600, 600], [{0, 1}, {0, 1}], 600)
    seen = set()
    for seed in range(12):
        tie_break = TieBreak(seed)
        result = method_of_equal_shares(election, tie_break=tie_break, completion="add1")
        assert len(result.winners) == 1
        assert result.draws and result.draws == tuple(tie_break.draws)
        assert result.draws[-1].chosen == result.winners[0]
        seen.add(result.winners)
    assert seen == {("a",), ("b",)}


def test_greedy_completion_spends_what_add1_leaves():
    election = load_election("Netherlands_Assen_2024.pb")
    add1 = mes(election, "add1")
    filled = mes(election, "add1-greedy")
    assert filled.winners[:len(add1.winners)] == add1.winners
    assert filled.remaining < add1.remaining
    unfunded = [p for p in election.projects if p.id not in filled.winners]
    assert all(p.municipal_cost > filled.remaining for p in unfunded)
    fill = [o for o in filled.projects[len(add1.winners):] if o.status != "not_funded"]
    assert {o.status for o in fill} <= {"funded", "skipped_cost"}


def test_points_ballots_count_marked_projects_as_approved():
    election = load_election("Switzerland_Zurich_D5.pb")
    marks = election.profile.matrix.copy()
    marks.data = np.ones_like(marks.data)
    approval = PBElection({}, election.projects, election.budget, "approval",
                          ApprovalProfile(marks, election.profile.counts, election.profile.options))
    for completion in ("none", "add1"):
        assert mes(election, completion).winners == mes(approval, completion).winners


def test_ranked_ballots_count_ranked_projects_as_approved():
    election = load_election("Poland_Krakow_2024_Swoszowice.pb")
    ballots = [{int(o) for o in row if o >= 0} for row in election.profile.rankings]
    approval = PBElection({}, election.projects, election.budget, "approval",
                          ApprovalProfile.from_ballots(ballots, election.profile.options,
                                                       weights=election.profile.counts))
    assert mes(election).winners == mes(approval).winners
    assert mes(election).winners == tuple(pabutools_outcome(approval, "none"))


def test_no_voters_funds_nothing():
    election = election_of([100], [], 500)
    for completion in ("none", "add1", "add1-greedy"):
        result = mes(election, completion)
        assert result.winners == () and result.remaining == 500


def test_result_serialises_canonically_without_floats():
    election = load_election("Netherlands_Assen_2024.pb")
    first = canonical_json(mes(election, "add1-greedy"))
    assert first == canonical_json(mes(election, "add1-greedy"))
    assert '"share_per_voter":"' in first


# pabutools 1.2.3, method_of_equal_shares(instance, profile, sat_class=Cost_Sat) on
# Poland_Warszawa_2026.pb read by pabutools' own parse_pabulib (about 20 s).
WARSAW_PABUTOOLS = [
    "214", "1109", "1952", "93", "800", "1273", "1734", "1401", "1114", "644", "1945", "278",
    "795", "922", "2199", "149", "1932", "1227", "1222", "1794", "1310", "1521", "855", "1753",
    "802", "1375", "89", "932", "1664", "1214", "1008", "1291", "2067", "1454", "1499", "1903",
    "361", "1208", "1652", "1786",
]


def test_plain_matches_pabutools_on_warsaw_2026_and_is_fast():
    election = load_election("Poland_Warszawa_2026.pb")
    start = time.process_time()
    result = mes(election)
    seconds = time.process_time() - start
    assert result.draws == ()
    assert list(result.winners) == WARSAW_PABUTOOLS
    assert seconds < 2.0  # about 0.05 s on a quiet machine; pabutools needs 20 s


def test_add1_round_tells_the_share_reached_and_why_it_stopped():
    # Shares 250: neither voter can pay 500. At 350 and 450 still not; at 550
    # both projects are bought, 1000 > 500: Add1 keeps the outcome at 450.
    election = election_of([500, 500], [{0}, {1}], 500)
    result = mes(election, "add1")
    assert result.winners == () and result.parameters["increments"] == 2
    last = result.rounds[-1]
    assert last.transfers == {"share_per_voter": 450, "increments": 2, "stopped": "over_budget"}
    assert "EUR 4.50" in last.note
    # Shares 300, a (600) needs both: at 300 each it is bought and nothing else fits.
    exhaustive = mes(election_of([600, 700], [{0, 1}, {0}], 600), "add1")
    assert exhaustive.winners == ("a",)
    assert exhaustive.rounds[-1].transfers["stopped"] == "exhaustive"


@pytest.mark.parametrize("threaded", [False, True], ids=["fork", "forkserver"])
def test_add1_with_worker_processes_gives_the_same_result(threaded):
    # Amsterdam 621 needs many increments; runs computed ahead in other processes must
    # not change a byte of the result. A process with threads gets a forkserver.
    election = load_election("Netherlands_Amsterdam_621.pb")
    alone = canonical_json(mes(election, "add1-greedy", seed=3).to_dict())
    results = {}

    def tally_with_workers():
        results["workers"] = canonical_json(mes(election, "add1-greedy", seed=3,
                                                workers=2).to_dict())

    if threaded:
        worker = threading.Thread(target=tally_with_workers)
        worker.start()
        worker.join(timeout=120)
    else:
        tally_with_workers()
    assert results["workers"] == alone
    assert json.loads(alone)["parameters"]["increments"] > 2
