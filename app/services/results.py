"""Stored counts made readable: table rows, chart bars, rounds and the CSV download.

Everything here reads the stored result JSON of a ``QuestionCount``; nothing
is counted again. Exact values (``Fraction`` as ``"p/q"``) stay exact in the
JSON and CSV; only the chart turns them into bar lengths.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from app.models import Initiative, Question, QuestionCount

# One short paragraph per rule, in plain language, for the results page.
EXPLANATIONS: dict[str, Any] = {
    "points": _l("Wijktop-3 points: on every ballot the first choice gets 3 points, the second "
                 "2 points and the third 1 point. The initiatives are ranked by their total."),
    "borda": _l("Borda count: the higher a voter ranks an option, the more points it gets "
                "(with n options, n-1 points for a first place, n-2 for a second place, and so "
                "on). The options are ranked by their total."),
    "dowdall": _l("Dowdall: a first place is worth 1 point, a second place 1/2 point, a third "
                  "place 1/3 point, and so on. The options are ranked by their total."),
    "irv": _l("Instant-runoff: first only the first choices are counted. If no option has more "
              "than half of the votes, the option with the fewest votes drops out and its votes "
              "go to the next choice on each of its ballots. This repeats until one option has "
              "a majority. The rounds below show every step."),
    "stv": _l("Single transferable vote: an option that reaches the quota (the Droop quota) is "
              "chosen, and the votes it did not need go on to the next choices at a lower value. "
              "If no option reaches the quota, the option with the fewest votes drops out and "
              "its votes go to the next choices. This repeats until every seat is filled. The "
              "rounds below show every step."),
    "schulze": _l("Schulze: every option is compared with every other option: how many voters "
                  "prefer one to the other? The winner beats every other option, directly or "
                  "through a chain of stronger wins."),
    "greedy": _l("Greedy: the initiatives are funded in order of their votes, from the most to "
                 "the fewest. An initiative that no longer fits in the remaining budget is "
                 "skipped, and the next one is tried."),
    "mes": _l("Method of Equal Shares: every voter controls an equal share of the budget. An "
              "initiative is funded when its supporters together can pay for it from their "
              "shares; the initiative that costs each supporter the least goes first. Money "
              "that is left is used by raising every share by one euro at a time, as long as "
              "the outcome stays within the budget."),
    "mes-plain": _l("Method of Equal Shares: every voter controls an equal share of the budget. "
                    "An initiative is funded when its supporters together can pay for it from "
                    "their shares; the initiative that costs each supporter the least goes "
                    "first."),
    "mes-greedy": _l("Method of Equal Shares: every voter controls an equal share of the "
                     "budget. An initiative is funded when its supporters together can pay for "
                     "it from their shares; the initiative that costs each supporter the least "
                     "goes first. Money that is left is used by raising every share by one euro "
                     "at a time, and what is then still left goes to the initiatives with the "
                     "most votes that still fit."),
    "majority": _l("Majority: the proposal is adopted when more voters answer yes than no. "
                   "Blank votes are counted but do not decide; an equal number of yes and no "
                   "votes means the proposal is not adopted."),
}
FUNDED_IN_ORDER = _l("Then the initiatives are funded in the order of this ranking: an "
                     "initiative that no longer fits in the remaining budget is skipped. Only "
                     "the municipal share of the cost (the cost minus co-financing) counts "
                     "against the budget.")
STATUS_LABELS: dict[str, Any] = {
    "funded": _l("Funded"),
    "skipped_cost": _l("Does not fit in the remaining budget"),
    "over_cap": _l("Above the maximum per initiative"),
    "not_funded": _l("Not funded"),
    "elected": _l("Chosen"),
    "not_elected": _l("Not chosen"),
}
ANSWER_LABELS: dict[str, Any] = {"yes": _l("Yes"), "no": _l("No"), "blank": _l("Blank")}

# Rules whose rounds are worth showing to residents (elimination and transfer rounds).
ROUND_RULES = ("irv", "stv")
# Budget rules whose steps say more than the table: what each purchase cost each supporter.
STEP_RULES = ("mes", "mes-plain", "mes-greedy")


@dataclass(frozen=True)
class Row:
    """One option of a result: place, title, score, money and what happened to it."""

    place: int
    label: str
    title: str
    score: Any
    status: str
    cost: int | None = None
    municipal_cost: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class QuestionResult:
    """A question with its stored count, the parsed result and rows ready for a page."""

    question: Question
    count: QuestionCount
    result: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)

    @property
    def is_budget(self) -> bool:
        """True for a budget result (money, funded or not)."""
        return "budget" in self.result and "projects" in self.result

    @property
    def is_yes_no(self) -> bool:
        """True for a yes/no question."""
        return self.result.get("rule") == "majority"

    @property
    def show_steps(self) -> bool:
        """True when the rule's steps (equal shares: each purchase, Add1) should be shown;
        greedy's steps are the table itself."""
        return self.result.get("rule") in STEP_RULES and bool(self.steps)

    @property
    def show_rounds(self) -> bool:
        """True when the rule's rounds (IRV, STV) should be shown."""
        return self.result.get("rule") in ROUND_RULES and bool(self.result.get("rounds"))


def exact(value: Any) -> Fraction:
    """A JSON result value (int or ``"p/q"``) as an exact number."""
    if isinstance(value, str):
        return Fraction(value)
    return Fraction(value or 0)


def _titles(session: Session, count: QuestionCount) -> dict[str, str]:
    """Option label in the file -> initiative title."""
    labels: dict[str, int] = json.loads(count.labels_json)
    found = {i.id: i.title for i in session.exec(
        select(Initiative).where(Initiative.id.in_(list(labels.values()))))}
    return {label: found.get(initiative_id, label) for label, initiative_id in labels.items()}


def _rows(result: dict[str, Any], titles: dict[str, str],
          reasons: dict[str, str]) -> list[Row]:
    """Rows in the order residents read them: the ranking, else the order of consideration."""
    scores = result.get("scores", {})
    if "projects" in result:
        outcomes = {p["project"]: p for p in result["projects"]}
        order = list(result.get("ranking") or outcomes)
        order += [label for label in outcomes if label not in order]
        return [Row(place, label, titles.get(label, label),
                    scores.get(label, outcomes[label]["support"]), outcomes[label]["status"],
                    outcomes[label]["cost"], outcomes[label]["municipal_cost"],
                    reasons.get(label, ""))
                for place, label in enumerate(order, 1)]
    winners = set(result.get("winners", ()))
    return [Row(place, label, titles.get(label, label), scores.get(label, 0),
                "elected" if label in winners else "not_elected")
            for place, label in enumerate(result.get("ranking", ()), 1)]


def question_results(session: Session, counts: list[QuestionCount],
                     language: str = "nl") -> list[QuestionResult]:
    """Each count with its question, parsed result and rows; the rows say in ``language``
    (English for a language the core does not speak) why a project was not funded, and
    a budget count has its steps (counts made before these were stored have neither)."""
    out = []
    for count in counts:
        result = json.loads(count.result_json)
        titles = _titles(session, count)
        stored = json.loads(count.explanation_json or "{}")
        said = stored.get(language) or stored.get("en", {})
        out.append(QuestionResult(session.get(Question, count.question_id), count, result,
                                  _rows(result, titles, said.get("reasons", {})), titles,
                                  said.get("steps", [])))
    return out


def bars(item: QuestionResult) -> list[tuple[str, Any, float]]:
    """(title, score, share of the largest score 0..1) per option, for the SVG chart."""
    if item.is_yes_no:
        values = [("yes", item.result["yes"]), ("no", item.result["no"]),
                  ("blank", item.result["blank"])]
    else:
        values = [(row.title, row.score) for row in item.rows]
    top = max((exact(v) for _, v in values), default=Fraction(0))
    return [(name, value, float(exact(value) / top) if top else 0.0) for name, value in values]


def euros_plain(cents: int | None) -> str:
    """Cents as a plain decimal amount for spreadsheets, e.g. ``123456`` -> ``1234.56``."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def _cell(text: str) -> str:
    """A title safe for spreadsheets: no leading character that starts a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def result_csv(item: QuestionResult) -> str:
    """The result of one question as CSV (UTF-8, comma-separated, a header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if item.is_yes_no:
        writer.writerow(["answer", "votes"])
        writer.writerows([[key, item.result[key]] for key in ("yes", "no", "blank")])
        writer.writerow(["outcome", item.result["outcome"]])
        return out.getvalue()
    if item.is_budget:
        writer.writerow(["place", "option", "title", "score", "status", "cost_eur",
                         "municipal_cost_eur"])
        writer.writerows([[r.place, r.label, _cell(r.title), r.score, r.status, euros_plain(r.cost),
                           euros_plain(r.municipal_cost)] for r in item.rows])
        writer.writerow([])
        writer.writerow(["budget_eur", euros_plain(item.result["budget"])])
        writer.writerow(["spent_eur", euros_plain(item.result["spent"])])
        writer.writerow(["remaining_eur", euros_plain(item.result["remaining"])])
        return out.getvalue()
    writer.writerow(["place", "option", "title", "score", "status"])
    writer.writerows([[r.place, r.label, _cell(r.title), r.score, r.status] for r in item.rows])
    return out.getvalue()


@dataclass(frozen=True)
class RoundView:
    """One round of IRV/STV for the page: votes per option, who was chosen or dropped."""

    number: int
    tallies: list[tuple[str, Any]]
    elected: list[str]
    eliminated: list[str]


def rounds_view(item: QuestionResult) -> list[RoundView]:
    """The rounds of an IRV or STV count with titles instead of labels."""
    if not item.show_rounds:
        return []
    name = item.titles.get
    return [RoundView(r["number"],
                      sorted(((name(k, k), v) for k, v in r.get("tallies", {}).items()),
                             key=lambda pair: -exact(pair[1])),
                      [name(k, k) for k in r.get("elected", ())],
                      [name(k, k) for k in r.get("eliminated", ())])
            for r in item.result["rounds"]]


def shown(value: Any) -> str:
    """A score for people in their language: whole numbers, or fractions with two decimals."""
    number = exact(value)
    if number.denominator == 1:
        return format_decimal(number.numerator)
    return format_decimal(float(number), format="#,##0.00")
