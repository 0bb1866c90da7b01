"""The Method of Equal Shares (MES) with cost utilities, plain or completed by Add1.

Every voter gets an equal share of the budget. Step by step, the project is
bought whose supporters can pay for it with the smallest *rho*: supporters
pay ``min(money left, rho * utility)``. With cost utilities a voter's utility
for an approved project is the project's cost, so rho is the most any
supporter pays divided by the cost ("payment per euro of project"), exactly as
in pabutools (``Cost_Sat``) and equalshares.net. Decisions are exact
(integers and ``Fraction``); see ``voting.equal_shares_run`` for how.

Choices this module makes, for ballots and projects that MES papers leave open:

- Ballots: approval and choose-1 ballots as they are; cumulative, scoring and
  ranked ballots count every project they mark (any points, any rank) as
  approved, with the same cost utility.
- Co-financing: voters pay only the municipal cost, but their utility is the
  full cost, so a co-financed project is cheaper per unit of value and MES
  favours it, which is what the 25% rule is for.
- A supported project whose municipal cost is 0 is funded before the first step.
- Projects nobody marked, and projects above ``cap``, are never bought.
- Exact ties in rho are broken by the tie-break lottery (pabutools uses the
  project order instead), each draw recorded.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ballots.election import PBElection
from voting.budget import by_column, resolve_budget, support, weighted_marks
from voting.equal_shares_completion import add1, fork
from voting.equal_shares_run import Ballots, Run, column_sums, run_equal_shares
from voting.greedy import cap_reason, fund_in_order, order_by_support, unfunded_outcome
from voting.result import BudgetResult, ProjectOutcome, Round
from voting.text import Money, Text
from voting.tiebreak import TieBreak

COMPLETIONS = {"none": "mes-plain", "add1": "mes", "add1-greedy": "mes-greedy"}
UNIT = 100  # Add1 raises shares by one currency unit: 100 cents


def prepare(election: PBElection, cap: int | None = None) -> Ballots:
    """The election's ballots as equal shares uses them (see the module notes)."""
    counts = election.profile.counts.astype(np.int64)
    weighted = weighted_marks(election.profile)
    by_project = by_column(weighted)
    prices = np.array([p.municipal_cost for p in election.projects], np.int64)
    utilities = np.array([p.cost for p in election.projects], np.int64)
    supporters = column_sums(by_project)
    eligible = (supporters > 0) & (prices > 0)
    if cap is not None:
        eligible &= prices <= cap
    labels = tuple(p.id for p in election.projects)
    return Ballots(weighted, by_project, prices, utilities, eligible, labels, counts)


def method_of_equal_shares(
    election: PBElection,
    *,
    budget: int | None = None,
    tie_break: TieBreak,
    completion: str = "none",
    cap: int | None = None,
    rule_name: str | None = None,
    workers: int = 1,
) -> BudgetResult:
    """Selects projects by the Method of Equal Shares with cost utilities.

    Args:
        election: projects, budget and ballots.
        budget: cents to spend instead of ``election.budget``.
        tie_break: the seeded lottery for exact ties in rho (and in support
            for the greedy fill).
        completion: ``"none"`` (plain MES, ``mes-plain``), ``"add1"`` (raise
            every share by one currency unit while the outcome stays within the
            budget and is not exhaustive, ``mes``), or ``"add1-greedy"`` (Add1,
            then spend what is left greedily by support, ``mes-greedy``).
        cap: largest municipal cost, in cents, a single project may have.
        rule_name: name recorded in the result (default from ``completion``).
        workers: processes Add1 may use to compute its runs ahead (the result
            does not depend on it).

    Returns:
        A BudgetResult with one round per step: the selected project, rho, the
        most a supporter paid and the effective number of votes.

    >>> from ballots import ApprovalProfile, PBElection, Project
    >>> p = ApprovalProfile.from_ballots([{0}, {0}, {1}], ["a", "b"])
    >>> e = PBElection({}, (Project("a", 600), Project("b", 600)), 900, "approval", p)
    >>> method_of_equal_shares(e, tie_break=TieBreak(1)).winners  # b's voter has only 300
    ('a',)
    >>> method_of_equal_shares(e, tie_break=TieBreak(1), completion="add1-greedy").winners
    ('a',)
    """
    if completion not in COMPLETIONS:
        raise ValueError(f"completion must be one of {', '.join(COMPLETIONS)}")
    amount = resolve_budget(election, budget)
    ballots = prepare(election, cap)
    n_voters = election.profile.n_voters
    labels = ballots.labels
    free = [o for o in range(len(labels))
            if ballots.supporters[o] > 0 and ballots.prices[o] == 0
            and (cap is None or ballots.prices[o] <= cap)]
    over_budget = False
    if n_voters == 0:
        run, lottery, increments = Run(Fraction(0)), fork(tie_break), 0
    elif completion == "none":
        lottery = fork(tie_break)
        run = run_equal_shares(ballots, Fraction(amount, n_voters), lottery, explain=True)
        increments = 0
    else:
        run, _, increments, over_budget = add1(ballots, amount, n_voters, tie_break, unit=UNIT,
                                                  workers=workers)
        lottery = fork(tie_break)  # the same run again, now noting why projects drop out
        run = run_equal_shares(ballots, run.share, lottery, explain=True)
    spent = run.cost(ballots)
    funded = free + run.chosen
    outcomes = [_free_outcome(election, o, ballots) for o in free]
    outcomes += [_bought_outcome(election, run, t, ballots) for t in range(len(run.selections))]
    rounds = [_round(election, run, t, ballots) for t in range(len(run.selections))]
    if completion != "none" and n_voters:
        rounds.append(_add1_round(election, run, increments, over_budget, len(rounds) + 1))
    values = support(election)
    greedy_part: list[int] = []
    if completion == "add1-greedy":
        taken = set(funded)
        rest = [o for o in range(len(labels)) if o not in taken and ballots.eligible[o]]
        order = order_by_support(rest, values, labels, lottery, context=Text("greedy fill"))
        greedy_part = order
        bought, fill_outcomes, fill_rounds, left = fund_in_order(
            election, order, amount - spent, values, first_round=len(rounds) + 1)
        funded += bought
        spent = amount - left
        outcomes += fill_outcomes
        rounds += fill_rounds
    tie_break.draws[:] = lottery.draws
    outcomes += _left_out(election, ballots, run, set(funded) | set(greedy_part), cap)
    parameters = {"budget": amount, "seed": tie_break.seed, "completion": completion,
                  "utility": "cost", "share_per_voter": run.share}
    if completion != "none":
        parameters.update(increments=increments, increment=UNIT)
    if cap is not None:
        parameters["cap"] = cap
    return BudgetResult(
        rule=rule_name or COMPLETIONS[completion],
        winners=tuple(labels[o] for o in funded),
        budget=amount,
        spent=spent,
        remaining=amount - spent,
        projects=tuple(outcomes),
        rounds=tuple(rounds),
        draws=tuple(tie_break.draws),
        parameters=parameters,
    )


def _money(amount: Fraction, currency: str) -> Money:
    """An exact amount of cents, shown to the cent below."""
    return Money(int(amount), currency)


def _free_outcome(election: PBElection, option: int, ballots: Ballots) -> ProjectOutcome:
    """Outcome of a supported project the budget pays nothing for."""
    project = election.projects[option]
    return ProjectOutcome(project.id, project.cost, 0, int(ballots.supporters[option]), "funded",
                          Text("funded before the first step: co-financing covers all of it"))


def _bought_outcome(election: PBElection, run: Run, step: int,
                    ballots: Ballots) -> ProjectOutcome:
    """Outcome of the project bought in ``step``."""
    selection = run.selections[step]
    project = election.projects[selection.option]
    reason = Text("bought in step {step} by its {supporters} supporters, each paying at most "
                  "{payment} of their share", step=step + 1, supporters=selection.supporters,
                  payment=_money(selection.payment, election.currency))
    return ProjectOutcome(project.id, project.cost, project.municipal_cost,
                          selection.supporters, "funded", reason)


def _round(election: PBElection, run: Run, step: int, ballots: Ballots) -> Round:
    """One equal-shares step as a result round, with its exact rho and payment."""
    selection = run.selections[step]
    project = election.projects[selection.option]
    price = project.municipal_cost
    note = Text("{project} bought for {price}: its {supporters} supporters paid at most "
                "{payment} each.", project=project.id, price=Money(price, election.currency),
                supporters=selection.supporters,
                payment=_money(selection.payment, election.currency))
    transfers = {"rho": selection.rho, "max_payment": selection.payment,
                 "effective_votes": Fraction(price) / selection.payment,
                 "supporters": selection.supporters}
    return Round(step + 1, elected=(project.id,), transfers=transfers, note=note)


def _add1_round(election: PBElection, run: Run, increments: int, over_budget: bool,
                number: int) -> Round:
    """The Add1 completion as one more round: the share reached and why it stopped."""
    why = (Text("with one more raise the projects bought would cost more than the budget")
           if over_budget
           else Text("no project anyone voted for still fits in the money left"))
    note = Text("Add1: every voter's share was raised {increments} times by {unit}, to "
                "{share}; it stopped there because {why}.", increments=increments,
                unit=Money(UNIT, election.currency), share=_money(run.share, election.currency),
                why=why)
    return Round(number, transfers={"share_per_voter": run.share, "increments": increments,
                                    "stopped": "over_budget" if over_budget else "exhaustive"},
                 note=note)


def _left_out(election: PBElection, ballots: Ballots, run: Run, taken: set[int],
              cap: int | None) -> list[ProjectOutcome]:
    """Outcomes of the projects neither bought nor considered by the greedy fill."""
    outcomes = []
    for option, project in enumerate(election.projects):
        if option in taken:
            continue
        backers = int(ballots.supporters[option])
        if cap is not None and project.municipal_cost > cap:
            outcomes.append(unfunded_outcome(election, option, backers, "over_cap",
                                             cap_reason(election, option, cap)))
        elif backers == 0:
            outcomes.append(unfunded_outcome(election, option, 0, "not_funded",
                                             Text("nobody voted for it")))
        else:
            step, money = run.dropped.get(option, (len(run.selections) + 1, Fraction(0)))
            when = (Text("before step {step}", step=step) if step <= len(run.selections)
                    else Text("after the last step"))
            why = Text("{when} its supporters had only {left} left of their shares, less than "
                       "its cost {cost}", when=when, left=_money(money, election.currency),
                       cost=Money(project.municipal_cost, election.currency))
            outcomes.append(unfunded_outcome(election, option, backers, "not_funded", why))
    return outcomes
