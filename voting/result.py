"""Result types: frozen dataclasses that explain themselves and serialise canonically.

Canonical JSON: sorted keys, compact separators, UTF-8, and no floats. Money is
integer cents; exact non-integer values (STV vote values, equal-shares
payments) are ``Fraction`` and serialise as the string ``"p/q"``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from fractions import Fraction
from typing import Any

from voting.tiebreak import Draw


def plain(value: Any) -> Any:
    """Converts a result value to JSON-safe data with no floats."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, float):
        raise TypeError("floats are not allowed in results; use int cents or Fraction")
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    if is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return plain(value.item())
    raise TypeError(f"cannot serialise {type(value).__name__}")


def canonical_json(data: Any) -> str:
    """Serialises to canonical JSON: the same input gives the same bytes everywhere."""
    return json.dumps(plain(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Round:
    """One round of a multi-round count (IRV, STV) or one step of a budget rule.

    Attributes:
        number: 1-based round number.
        tallies: option label -> votes (int or Fraction) at the start of the round.
        elected: labels elected in this round.
        eliminated: labels eliminated in this round.
        transfers: label -> votes moved away from it, or to it; free-form per rule.
        note: one plain sentence on what happened.
    """

    number: int
    tallies: dict[str, int | Fraction] = field(default_factory=dict)
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    transfers: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class RankingResult:
    """Outcome of a ranking rule (points, Borda, Dowdall, IRV, STV, Schulze).

    Attributes:
        rule: rule name from ``voting.RULES``.
        ranking: every option label, best first.
        winners: labels elected or selected, in order of election.
        scores: label -> final score (points, last-round votes, Schulze wins...).
        rounds: per-round records where the rule has rounds.
        draws: every tie-break draw.
        parameters: seats, seed, quota... whatever the rule was run with.
    """

    rule: str
    ranking: tuple[str, ...]
    winners: tuple[str, ...]
    scores: dict[str, int | Fraction]
    rounds: tuple[Round, ...] = ()
    draws: tuple[Draw, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class ProjectOutcome:
    """What a budget rule did with one project, and why.

    ``status`` is ``"funded"``, ``"skipped_cost"`` (no longer fitted the money
    left), ``"over_cap"`` (above the per-project cap), or ``"not_funded"``.
    """

    project: str
    cost: int
    municipal_cost: int
    support: int | Fraction
    status: str
    reason: str = ""


@dataclass(frozen=True)
class BudgetResult:
    """Outcome of a budget rule (greedy, Method of Equal Shares...).

    Attributes:
        rule: rule name from ``voting.RULES``.
        winners: funded project labels in order of selection.
        budget: the budget in cents.
        spent: cents of the budget spent (municipal shares only).
        remaining: ``budget - spent``.
        projects: one ProjectOutcome per project, in order of consideration.
        ranking: project labels in order of the ranking rule (for rank-then-fund rules).
        scores: project label -> score of that ranking rule (for rank-then-fund rules).
        rounds: steps taken (equal-shares iterations, Add1 increments...).
        draws: every tie-break draw.
        parameters: seed, per-voter share, cap, whatever the rule was run with.
    """

    rule: str
    winners: tuple[str, ...]
    budget: int
    spent: int
    remaining: int
    projects: tuple[ProjectOutcome, ...]
    ranking: tuple[str, ...] = ()
    scores: dict[str, int | Fraction] = field(default_factory=dict)
    rounds: tuple[Round, ...] = ()
    draws: tuple[Draw, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: plain(getattr(self, f.name)) for f in fields(self)}
        for optional in ("ranking", "scores"):
            if not getattr(self, optional):
                del data[optional]
        return data
