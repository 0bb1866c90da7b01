"""Plain-text explanation of a result: scores, rounds, funded and skipped projects.

In Dutch or English (``language``): the fixed words here and the sentences the rules
wrote (``voting.text.Text``) come from the core's catalogue; labels stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from voting.referendum import YesNoResult
from voting.result import BudgetResult, RankingResult, Round
from voting.text import Money, Text, number, relabel, say

STATUS = {"funded": Text("funded"), "skipped_cost": Text("does not fit"),
          "over_cap": Text("above the cap"), "not_funded": Text("not funded")}


def explain(result: RankingResult | BudgetResult, *, labels: dict[str, str] | None = None,
            currency: str = "EUR", language: str = "en") -> str:
    """Explains a result for the command line.

    Args:
        result: what a rule returned.
        labels: option id -> readable name, shown next to the id when given.
        currency: currency code for budget results.
        language: ``"nl"`` or ``"en"``.
    """
    labels = labels or {}

    def name(option: str) -> str:
        title = labels.get(option, "")
        return f"{option} ({title})" if title and title != option else option

    def shown(value: int | Fraction) -> str:
        return number(value, language)

    def words(text: Text) -> str:
        return say(text, language)

    lines = [words(Text("Rule: {rule}", rule=result.rule))]
    lines += [f"  {key}: {value}" for key, value in sorted(result.parameters.items())]
    if result.ranking:
        lines += ["", words(Text("Ranking:") if isinstance(result, RankingResult)
                            else Text("Ranking used for funding:"))]
        for place, option in enumerate(result.ranking, 1):
            score = result.scores.get(option)
            score_shown = "" if score is None else "  " + words(Text("score {score}",
                                                                     score=shown(score)))
            lines.append(f"  {place:>3}. {name(option)}{score_shown}")
    lines += _rounds(result.rounds, name, shown, words)
    if isinstance(result, BudgetResult):
        def amount(cents: int) -> Money:
            return Money(cents, currency)

        lines += ["", words(Text("Budget {budget}; spent {spent}; remaining {remaining}",
                                 budget=amount(result.budget), spent=amount(result.spent),
                                 remaining=amount(result.remaining))),
                  "", words(Text("Projects:"))]
        for outcome in result.projects:
            status = words(STATUS.get(outcome.status, Text(outcome.status)))
            reason = f" - {words(outcome.reason)}" if outcome.reason else ""
            lines.append(f"  [{status}] {name(outcome.project)}: " + words(Text(
                "{cost}, support {support}", cost=amount(outcome.municipal_cost),
                support=shown(outcome.support))) + reason)
    for draw in result.draws:
        lines.append(words(Text("Tie-break draw {number} ({context}): {tied} -> {chosen}",
                                number=draw.number, context=draw.context,
                                tied=", ".join(draw.tied), chosen=draw.chosen)))
    winners = ", ".join(name(w) for w in result.winners) or words(Text("none"))
    lines += ["", words(Text("Winners: {winners}", winners=winners))]
    return "\n".join(lines)


def _rounds(rounds: tuple[Round, ...], name: Callable[[str], str],
            shown: Callable[[int | Fraction], str], words: Callable[[Text], str]) -> list[str]:
    lines: list[str] = []
    for r in rounds:
        heading = (Text("Round {number}: {note}", number=r.number, note=r.note) if r.note
                   else Text("Round {number}", number=r.number))
        lines += ["", words(heading)]
        for option, votes in sorted(r.tallies.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {name(option):<40} {shown(votes):>14}")
        if r.elected:
            lines.append("  " + words(Text("elected: {options}",
                                           options=", ".join(name(o) for o in r.elected))))
        if r.eliminated:
            lines.append("  " + words(Text("eliminated: {options}",
                                           options=", ".join(name(o) for o in r.eliminated))))
    return lines


def why_not_funded(result: RankingResult | BudgetResult | YesNoResult,
                   language: str = "en") -> dict[str, str]:
    """Why each project of a budget result that was not funded was left out, in
    ``language``: project label -> sentence (empty for other results)."""
    return {outcome.project: say(outcome.reason, language)
            for outcome in getattr(result, "projects", ())
            if outcome.status != "funded" and outcome.reason}


def budget_steps(result: RankingResult | BudgetResult | YesNoResult, language: str = "en",
                 names: Mapping[str, str] | None = None) -> list[str]:
    """What a budget rule did, step by step (equal shares: each purchase, then Add1;
    greedy: each project it considered), in ``language``, with the projects called by
    ``names`` (label -> name) where given; empty for other results."""
    if not isinstance(result, BudgetResult):
        return []
    return [say(relabel(r.note, names or {}), language) for r in result.rounds if r.note]


VERDICT = {"yes": Text("adopted"), "no": Text("not adopted"),
           "tie": Text("not adopted (yes and no are equal)")}


def explain_yes_no(result: YesNoResult, *, language: str = "en") -> str:
    """Explains a yes/no question's count for the command line."""
    def words(text: Text) -> str:
        return say(text, language)

    answers = [(words(Text("yes")), result.yes), (words(Text("no")), result.no),
               (words(Text("blank")), result.blank)]
    width = max(len(answer) for answer, _ in answers)
    return "\n".join([
        words(Text("Rule: {rule} (adopted when yes has more votes than no; blank does not "
                   "decide)", rule=result.rule)), "",
        *(f"  {answer:<{width}}  {number(votes, language):>14}" for answer, votes in answers),
        "", words(Text("Outcome: {verdict}", verdict=VERDICT[result.outcome]))])
