"""Voting forms: the code entry, the official's stemcode batch, and reading a filled-in ballot.

The ballot has one field group per question, named after the question id, so
its fields are read straight from the request: ``q<id>_<slot>`` for the k
select boxes of a ranked question, ``q<id>`` for approval/knapsack check boxes
and the yes/no radios, ``q<id>_<initiative id>`` for points. Whatever is typed
is passed on as it came (numbers as ints); the question's spec in
``app.services.ballots`` decides whether it is valid and says why not.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from app.forms.base import AppForm
from app.services.ballots import BallotQuestion
from app.services.stemcodes import MAX_BATCH


class CodeForm(AppForm):
    """The stemcode a resident types from their letter."""

    code = StringField(_l("Your voting code"), validators=[DataRequired(), Length(max=40)])


class BallotForm(AppForm):
    """CSRF protection of the ballot and review pages (their fields are read by ``answers``)."""


class StemcodesForm(AppForm):
    """How many stemcode letters an official wants to print."""

    count = IntegerField(_l("Number of voting codes"),
                         validators=[DataRequired(), NumberRange(min=1, max=MAX_BATCH)])


def _number(text: str) -> int | str:
    """An int when ``text`` is a plain whole number, else the text itself (the spec rejects it)."""
    text = text.strip()
    if text.lstrip("-").isdigit() and len(text) <= 12:
        return int(text)
    return text


def _choice_set(picked: list[int | str]) -> list[int | str] | None:
    """The choices of an approval or knapsack question, a set: sorted by id, so that one
    ballot is always stored as one text (left as sent when not all are ids: refused)."""
    if all(isinstance(value, int) for value in picked):
        return sorted(picked) or None
    return picked


def rank_slots(item: BallotQuestion) -> int:
    """How many select boxes a ranked question shows (k, at most the number of options)."""
    k = item.question.max_choices or len(item.options)
    return min(k, len(item.options))


def answers(data: MultiDict, items: list[BallotQuestion]) -> dict[int, Any]:
    """The answers in a submitted ballot, by question id, in initiative ids.

    Args:
        data: the submitted form fields.
        items: the round's ballot questions.

    Returns:
        e.g. ``{3: [12, 7], 4: "yes"}``; an unanswered question maps to None.
    """
    found: dict[int, Any] = {}
    for item in items:
        qid, kind = item.question.id, item.question.kind
        name = f"q{qid}"
        if kind == "ranked":
            picked = [data.get(f"{name}_{slot}", "") for slot in range(1, rank_slots(item) + 1)]
            found[qid] = [_number(v) for v in picked if v.strip()] or None
        elif kind in ("approval", "knapsack"):
            found[qid] = _choice_set([_number(v) for v in data.getlist(name) if v.strip()])
        elif kind == "points":
            given = {o.id: data.get(f"{name}_{o.id}", "") for o in item.options}
            found[qid] = {k: _number(v) for k, v in given.items() if v.strip()
                          and _number(v) != 0} or None
        else:
            found[qid] = data.get(name) or None
    return found


def ballot_fields(data: MultiDict) -> list[tuple[str, str]]:
    """The ballot's own fields of a submitted form (to carry them to the review page)."""
    return [(key, value) for key, value in data.items(multi=True)
            if key.startswith("q") and len(key) <= 40 and len(value) <= 40]
