"""Greedy funding: fund in order of support (or of a ranking), skip what no longer fits.

This is how Decidim, CONSUL and most city PB programmes compute winners, and
the Wijktop-3 way when the order comes from 3-2-1 points. Only a project's
municipal cost (cost minus co-financing) counts against the budget.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ballots.election import PBElection
from voting.budget import resolve_budget, support
from voting.result import BudgetResult, ProjectOutcome, Round
from voting.text import Money, Text
from voting.tiebreak import TieBreak


def order_by_support(
    candidates: Sequence[int], values: np.ndarray, labels: Sequence[str],
    tie_break: TieBreak, *, context: str,
) -> list[int]:
    """Option ids sorted by decreasing ``values``; equal values go in lottery order."""
    ordered: list[int] = []
    by_value = sorted(candidates, key=lambda o: -int(values[o]))
    start = 0
    while start < len(by_value):
        end = start
        while end < len(by_value) and values[by_value[end]] == values[by_value[start]]:
            end += 1
        group = by_value[start:end]
        if len(group) > 1:
            group = tie_break.order(group, labels=labels, context=Text(
                "{context}: equal support {support}", context=context,
                support=int(values[group[0]])))
        ordered.extend(group)
        start = end
    return ordered


def fund_in_order(
    election: PBElection, order: Sequence[int], remaining: int, values: np.ndarray,
    *, first_round: int = 1,
) -> tuple[list[int], list[ProjectOutcome], list[Round], int]:
    """Walks ``order`` funding what fits in ``remaining`` cents.

    Returns:
        funded option ids, one outcome per project in ``order``, one round per
        project, and the cents left.
    """
    currency = election.currency
    funded, outcomes, rounds = [], [], []
    for number, option in enumerate(order, start=first_round):
        project = election.projects[option]
        price = project.municipal_cost
        value = int(values[option])
        cost = Money(price, currency)
        if price <= remaining:
            remaining -= price
            funded.append(option)
            status = "funded"
            left = Money(remaining, currency)
            reason = Text("funded for {price} with support {support}; {left} left",
                          price=cost, support=value, left=left)
            note = Text("Funded for {price} with support {support}; {left} left ({project}).",
                        price=cost, support=value, left=left, project=project.id)
        else:
            status = "skipped_cost"
            left = Money(remaining, currency)
            reason = Text("skipped: it needs {price} but only {left} was left when its turn "
                          "came", price=cost, left=left)
            note = Text("Skipped: it needs {price} but only {left} was left when its turn "
                        "came ({project}).", price=cost, left=left, project=project.id)
        outcomes.append(ProjectOutcome(project.id, project.cost, price, value, status, reason))
        rounds.append(Round(number, elected=(project.id,) if status == "funded" else (),
                            note=note))
    return funded, outcomes, rounds, remaining


def unfunded_outcome(election: PBElection, option: int, value: int, status: str,
                     reason: str) -> ProjectOutcome:
    """Outcome of a project that was not considered for funding."""
    project = election.projects[option]
    return ProjectOutcome(project.id, project.cost, project.municipal_cost, value, status, reason)


def cap_reason(election: PBElection, option: int, cap: int) -> str:
    """Why a project above the per-project cap was left out."""
    price = election.projects[option].municipal_cost
    return Text("its municipal cost {price} is above the cap of {cap} per project",
                price=Money(price, election.currency), cap=Money(cap, election.currency))


def greedy(
    election: PBElection,
    *,
    budget: int | None = None,
    tie_break: TieBreak,
    order: Sequence[int] | None = None,
    cap: int | None = None,
    rule_name: str = "greedy",
) -> BudgetResult:
    """Funds projects in order of support (or ``order``), skipping those that no longer fit.

    Projects nobody voted for are not funded. Equal support is ordered by the
    tie-break lottery, each draw recorded.

    Args:
        election: projects, budget and ballots.
        budget: cents to spend instead of ``election.budget``.
        tie_break: the seeded lottery for equal support.
        order: option ids in the order of a ranking rule (rank then fund);
            projects missing from it are not funded.
        cap: largest municipal cost, in cents, a single project may have.
        rule_name: name recorded in the result.

    Returns:
        A BudgetResult; ``ranking``/``scores`` give the support order when
        ``order`` is not given.

    >>> from ballots import ApprovalProfile, PBElection, Project
    >>> p = ApprovalProfile.from_ballots([{0, 1}, {0}, {2}], ["a", "b", "c"])
    >>> e = PBElection({}, (Project("a", 600), Project("b", 500), Project("c", 400)), 1000,
    ...                "approval", p)
    >>> greedy(e, tie_break=TieBreak(1)).winners  # a (2 votes), b no longer fits, then c
    ('a', 'c')
    """
    amount = resolve_budget(election, budget)
    values = support(election)
    labels = [p.id for p in election.projects]
    n = len(labels)
    over_cap = [o for o in range(n)
                if cap is not None and election.projects[o].municipal_cost > cap]
    if order is None:
        unvoted = [o for o in range(n) if values[o] <= 0 and o not in over_cap]
        eligible = [o for o in range(n) if values[o] > 0 and o not in over_cap]
        sequence = order_by_support(eligible, values, labels, tie_break,
                                    context=Text("greedy order"))
    else:
        if sorted(set(order)) != sorted(order) or any(not 0 <= o < n for o in order):
            raise ValueError("order must list distinct option ids of the election")
        sequence = [o for o in order if o not in over_cap and values[o] > 0]
        unvoted = [o for o in range(n) if o not in over_cap and o not in sequence]
    funded, outcomes, rounds, remaining = fund_in_order(election, sequence, amount, values)
    for option in over_cap:
        outcomes.append(unfunded_outcome(election, option, int(values[option]), "over_cap",
                                         cap_reason(election, option, cap or 0)))
    for option in unvoted:
        why = (Text("nobody voted for it") if values[option] <= 0
               else Text("it is not in the ranking"))
        outcomes.append(unfunded_outcome(election, option, int(values[option]), "not_funded", why))
    parameters = {"budget": amount, "seed": tie_break.seed,
                  "order": "support" if order is None else "ranking"}
    if cap is not None:
        parameters["cap"] = cap
    ranked = order is None
    return BudgetResult(
        rule=rule_name,
        winners=tuple(labels[o] for o in funded),
        budget=amount,
        spent=amount - remaining,
        remaining=remaining,
        projects=tuple(outcomes),
        ranking=tuple(labels[o] for o in sequence) if ranked else (),
        scores={labels[o]: int(values[o]) for o in sequence} if ranked else {},
        rounds=tuple(rounds),
        draws=tuple(tie_break.draws),
        parameters=parameters,
    )
