"""Published results stay reproducible: the canonical JSON of these counts is pinned.

A result published today must come out byte for byte the same from any later
``wijkstem tally`` (DESIGN: recomputed from the published ballots). The hashes were
computed before the rules' sentences became ``voting.text.Text``; a change here must be
a deliberate change of the rules, never a side effect.
"""

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from ballots import ApprovalProfile, PBElection, Project
from ballots.election import RankedElection
from ballots.formats import load
from ballots.profile import RankedProfile
from tests.refdata import PB, RANKED
from voting.result import BudgetResult, RankingResult, canonical_json
from voting.rules import tally

BUDGET_RULES = ("greedy", "mes", "mes-plain", "mes-greedy")
RANKING_RULES = ("irv", "stv", "schulze", "points", "borda", "dowdall")


def tie_heavy_elections() -> Iterator[tuple[PBElection | RankedElection, tuple[str, ...], int]]:
    """Small elections with few voters and equal costs: many ties (331 draws in all)."""
    rng = random.Random(20261128)
    for number in range(40):
        options = [f"p{i}" for i in range(rng.randint(3, 7))]
        ballots = [set(rng.sample(range(len(options)), rng.randint(1, 3)))
                   for _ in range(rng.randint(2, 9))]
        projects = tuple(Project(o, rng.choice((100, 200, 300)) * 100,
                                 cofinancing=rng.choice((0, 0, 5000)))
                         for o in options)
        yield (PBElection({}, projects, rng.choice((300, 500, 700)) * 100, "approval",
                          ApprovalProfile.from_ballots(ballots, options)),
               BUDGET_RULES, number)
        rankings = [rng.sample(range(len(options)), rng.randint(1, len(options)))
                    for _ in range(rng.randint(3, 12))]
        election = RankedElection(RankedProfile.from_ballots(rankings, options),
                                  seats=rng.randint(1, 2))
        yield election, RANKING_RULES, number


def digest(results: list[RankingResult | BudgetResult]) -> str:
    return hashlib.sha256("\n".join(canonical_json(r) for r in results).encode()).hexdigest()


def test_counts_full_of_ties_give_the_pinned_bytes():
    results = [tally(election, rule, seed=seed)
               for election, rules, seed in tie_heavy_elections() for rule in rules
               if not (rule == "irv" and election.seats > 1)]
    assert sum(len(r.draws) for r in results) > 300
    assert digest(results) == "b4ad787b9be902d4480a23359aece14b72d8e0cd625a6715aecd96e9a207c9b7"


@pytest.mark.parametrize(("path", "rule", "pinned"), [
    (PB / "Netherlands_Assen_2024.pb", "mes",
     "1705079a2b401ceafefbb752f4785e5de80dafa348418fe41fd2de2c3907e216"),
    (PB / "Poland_Krakow_2024_Swoszowice.pb", "greedy",
     "ed32e3fac311363cc8d905e05587865f7c2068211ba9169e5dcb3d92ad3bd958"),
    (RANKED / "portland_2024_district1.blt", "stv",
     "96512b5f1802398a6421270f19d2e3f008b162111ef48717e81845260c1768e7"),
    (RANKED / "nswla_ballina_2015.blt", "irv",
     "5dd0fccd1543586518cb20818a2fc680a2462d10dc1afda6ae64eb9bcf22cd00"),
])
def test_real_counts_give_the_pinned_bytes(path: Path, rule: str, pinned: str):
    assert digest([tally(load(path), rule, seed=7)]) == pinned
