"""Ballot question kinds and the tally rules from ``voting/`` each kind may use.

This table is the one place that says which rule fits which kind; the counting
service (part 2) maps these names onto ``voting.RULES``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BUDGET_RULES = ("greedy", "mes", "mes-plain", "mes-greedy")

RULES_BY_KIND: dict[str, tuple[str, ...]] = {
    "ranked": ("points", "borda", "dowdall", "irv", "stv", "schulze", *BUDGET_RULES),
    "approval": BUDGET_RULES,
    "knapsack": BUDGET_RULES,
    "points": ("greedy",),
    "yesno": ("majority",),
}

KIND_LABELS = {
    "ranked": _l("Ranked (top k)"),
    "approval": _l("Approval (up to k)"),
    "knapsack": _l("Knapsack (within the budget)"),
    "points": _l("Points (divide N points)"),
    "yesno": _l("Yes/no"),
}

RULE_LABELS = {
    "points": _l("Wijktop-3 points (3-2-1)"),
    "borda": _l("Borda count"),
    "dowdall": _l("Dowdall (1, 1/2, 1/3, ...)"),
    "irv": _l("Instant-runoff (IRV)"),
    "stv": _l("Single transferable vote (STV)"),
    "schulze": _l("Schulze"),
    "greedy": _l("Greedy: fund in order of votes"),
    "mes": _l("Method of Equal Shares (with Add1)"),
    "mes-plain": _l("Method of Equal Shares (plain)"),
    "mes-greedy": _l("Method of Equal Shares, rest spent greedily"),
    "majority": _l("Majority"),
}


def rule_fits(kind: str, rule: str) -> bool:
    """Whether ``rule`` may tally a question of ``kind``.

    Args:
        kind: question kind, e.g. ``"ranked"``.
        rule: rule name, e.g. ``"points"``.

    Returns:
        True when allowed, e.g. ``rule_fits("ranked", "stv")`` is True and
        ``rule_fits("yesno", "stv")`` is False.
    """
    return rule in RULES_BY_KIND.get(kind, ())


def default_rule(kind: str) -> str:
    """The first (suggested) rule for ``kind``."""
    return RULES_BY_KIND[kind][0]
