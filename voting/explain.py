"""Plain-text explanation of a result: scores, rounds, funded and skipped projects."""

from __future__ import annotations

from fractions import Fraction

from voting.referendum import YesNoResult
from voting.result import BudgetResult, RankingResult, Round


def money(cents: int, currency: str = "EUR") -> str:
    """Formats integer cents, e.g. ``money(123456) == 'EUR 1,234.56'``."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{currency} {whole:,}.{rest:02d}"


def number(value: int | Fraction) -> str:
    """Shows an exact value: integers as they are, fractions with 4 decimals."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{float(value):,.4f}"
    return f"{int(value):,}"


def explain(result: RankingResult | BudgetResult, *, labels: dict[str, str] | None = None,
            currency: str = "EUR") -> str:
    """Explains a result in English for the command line.

    Args:
        result: what a rule returned.
        labels: option id -> readable name, shown next to the id when given.
        currency: currency code for budget results.
    """
    labels = labels or {}

    def name(option: str) -> str:
        title = labels.get(option, "")
        return f"{option} ({title})" if title and title != option else option

    lines = [f"Rule: {result.rule}"]
    lines += [f"  {key}: {value}" for key, value in sorted(result.parameters.items())]
    if isinstance(result, RankingResult):
        lines += ["", "Ranking:"]
        for place, option in enumerate(result.ranking, 1):
            score = result.scores.get(option)
            shown = "" if score is None else f"  score {number(score)}"
            lines.append(f"  {place:>3}. {name(option)}{shown}")
    elif result.ranking:
        lines += ["", "Ranking used for funding:"]
        for place, option in enumerate(result.ranking, 1):
            score = result.scores.get(option)
            shown = "" if score is None else f"  score {number(score)}"
            lines.append(f"  {place:>3}. {name(option)}{shown}")
    lines += _rounds(result.rounds, name)
    if isinstance(result, BudgetResult):
        spent, left = money(result.spent, currency), money(result.remaining, currency)
        lines += ["", f"Budget {money(result.budget, currency)}; spent {spent}; remaining {left}",
                  "", "Projects:"]
        for outcome in result.projects:
            reason = f" - {outcome.reason}" if outcome.reason else ""
            cost = money(outcome.municipal_cost, currency)
            lines.append(f"  [{outcome.status}] {name(outcome.project)}: {cost}, "
                         f"support {number(outcome.support)}{reason}")
    for draw in result.draws:
        lines.append(f"Tie-break draw {draw.number} ({draw.context}): "
                     f"{', '.join(draw.tied)} -> {draw.chosen}")
    lines += ["", "Winners: " + (", ".join(name(w) for w in result.winners) or "none")]
    return "\n".join(lines)


def _rounds(rounds: tuple[Round, ...], name) -> list[str]:
    lines: list[str] = []
    for r in rounds:
        lines += ["", f"Round {r.number}" + (f": {r.note}" if r.note else "")]
        for option, votes in sorted(r.tallies.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {name(option):<40} {number(votes):>14}")
        if r.elected:
            lines.append("  elected: " + ", ".join(name(o) for o in r.elected))
        if r.eliminated:
            lines.append("  eliminated: " + ", ".join(name(o) for o in r.eliminated))
    return lines


def explain_yes_no(result: YesNoResult) -> str:
    """Explains a yes/no question's count in English for the command line."""
    verdict = {"yes": "adopted", "no": "not adopted",
               "tie": "not adopted (yes and no are equal)"}[result.outcome]
    return "\n".join([
        f"Rule: {result.rule} (adopted when yes has more votes than no; blank does not decide)",
        "", f"  yes    {number(result.yes):>14}", f"  no     {number(result.no):>14}",
        f"  blank  {number(result.blank):>14}", "", f"Outcome: {verdict}"])
