"""The registry of tally rules and the one entry point that applies them to an election.

Rule names are the ones the command line and the web app use. Ranking rules
order options; on a participatory-budgeting election they are followed by
greedy funding in that order within the budget (the Wijktop-3 way). Budget
rules select projects directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

from ballots.election import PBElection, RankedElection
from ballots.profile import RankedProfile
from voting.result import BudgetResult, RankingResult
from voting.tiebreak import TieBreak

RankingRule = Callable[..., RankingResult]
BudgetRule = Callable[..., BudgetResult]

RANKING_RULE_NAMES = ("points", "borda", "dowdall", "irv", "stv", "schulze")
BUDGET_RULE_NAMES = ("greedy", "mes", "mes-plain", "mes-greedy")
# Rules that run equal shares again and again (Add1) and can use more processes.
MULTI_RUN_RULES = frozenset({"mes", "mes-greedy"})


def ranking_rule(name: str) -> RankingRule:
    """The function of the ranking rule ``name``; its module is imported on first use.

    Keeping the rules out of ``import voting.rules`` keeps the command line quick:
    a tally imports only the rule it runs.
    """
    if name in ("points", "borda", "dowdall"):
        from voting.positional import borda, dowdall, wijktop_points

        return {"points": wijktop_points, "borda": borda, "dowdall": dowdall}[name]
    if name == "irv":
        from voting.instant_runoff import instant_runoff

        return instant_runoff
    if name == "stv":
        from voting.stv import single_transferable_vote

        return single_transferable_vote
    if name == "schulze":
        from voting.schulze import schulze

        return schulze
    raise KeyError(name)


def budget_rule(name: str) -> BudgetRule:
    """The function of the budget rule ``name``; its module is imported on first use."""
    if name == "greedy":
        from voting.greedy import greedy

        return greedy
    completion = {"mes": "add1", "mes-plain": "none", "mes-greedy": "add1-greedy"}[name]
    from voting.equal_shares import method_of_equal_shares

    return partial(method_of_equal_shares, completion=completion)


def __getattr__(name: str) -> Any:
    # RANKING_RULES and BUDGET_RULES (name -> function) stay available, built on first use
    if name == "RANKING_RULES":
        return {rule: ranking_rule(rule) for rule in RANKING_RULE_NAMES}
    if name == "BUDGET_RULES":
        return {rule: budget_rule(rule) for rule in BUDGET_RULE_NAMES}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


RULES: tuple[str, ...] = (*RANKING_RULE_NAMES, *BUDGET_RULE_NAMES)

# Rules that elect several seats themselves; the others rank, and the winners
# are the first ``seats`` of the ranking.
MULTI_SEAT_RULES = frozenset({"stv"})


class RuleError(ValueError):
    """The rule cannot be applied to this election (unknown name, wrong ballot kind)."""


def tally(
    election: PBElection | RankedElection,
    rule: str,
    *,
    seed: int | str = 0,
    seats: int | None = None,
    budget: int | None = None,
    workers: int = 1,
) -> RankingResult | BudgetResult:
    """Applies the rule named ``rule`` to an election.

    Args:
        election: a PB election (projects, budget, ballots) or a ranked election.
        rule: a name from ``RULES``.
        seed: the published tie-break seed.
        seats: winners of a ranked election (default: the election's own seats).
        budget: budget in cents overriding the PB election's own budget.
        workers: processes the Add1 rules (``mes``, ``mes-greedy``) may use; the
            result is the same for any number.

    Returns:
        A RankingResult for ranked elections, a BudgetResult for PB elections.

    Raises:
        RuleError: unknown rule, or a rule that does not fit the ballots.

    >>> from ballots import RankedElection, RankedProfile
    >>> e = RankedElection(RankedProfile.from_ballots([[0, 1], [1, 0], [0]], ["a", "b"]))
    >>> tally(e, "irv").winners
    ('a',)
    """
    if rule not in RULES:
        raise RuleError(f"unknown rule {rule!r}; choose one of: {', '.join(RULES)}")
    tie_break = TieBreak(seed)
    if isinstance(election, RankedElection):
        return _tally_ranked(election, rule, seats or election.seats, tie_break)
    return _tally_budget(election, rule, budget, tie_break, workers)


def _tally_ranked(
    election: RankedElection, rule: str, seats: int, tie_break: TieBreak
) -> RankingResult:
    if rule not in RANKING_RULE_NAMES:
        raise RuleError(f"rule {rule!r} allocates a budget; a ranked election needs a ranking rule")
    if not 1 <= seats <= election.profile.n_options:
        raise RuleError(f"seats must be between 1 and {election.profile.n_options}, not {seats}")
    if rule in MULTI_SEAT_RULES:
        result = ranking_rule(rule)(election.profile, seats=seats, tie_break=tie_break)
    else:
        result = ranking_rule(rule)(election.profile, tie_break=tie_break)
        winners = result.ranking[:seats] if election.profile.n_voters else ()
        result = dataclasses.replace(result, winners=winners)
    parameters = {**result.parameters, "seats": seats, "seed": tie_break.seed}
    return dataclasses.replace(result, rule=rule, parameters=parameters)


def _tally_budget(
    election: PBElection, rule: str, budget: int | None, tie_break: TieBreak, workers: int = 1
) -> BudgetResult:
    if budget is None and election.budget is None:
        raise RuleError("the file has no budget; give one")
    if rule in BUDGET_RULE_NAMES:
        options = {"workers": workers} if rule in MULTI_RUN_RULES else {}
        result = budget_rule(rule)(election, budget=budget, tie_break=tie_break, **options)
        return dataclasses.replace(result, rule=rule)
    if not isinstance(election.profile, RankedProfile):
        raise RuleError(
            f"rule {rule!r} needs ranked (ordinal) ballots; this file has {election.vote_type}"
        )
    options = {}
    if rule == "points" and election.meta.get("max_length", "").isdigit():
        # A Wijktop-3 ballot gives 3-2-1 even if nobody filled all three places.
        options["k"] = int(election.meta["max_length"])
    from voting.greedy import greedy

    ranking = ranking_rule(rule)(election.profile, tie_break=tie_break, **options)
    order = [election.index(label) for label in ranking.ranking]
    funded = greedy(election, budget=budget, tie_break=tie_break, order=order)
    return dataclasses.replace(
        funded,
        rule=rule,
        ranking=ranking.ranking,
        scores=ranking.scores,
        rounds=ranking.rounds,
        draws=tuple(tie_break.draws),
        parameters={**ranking.parameters, **funded.parameters},
    )
