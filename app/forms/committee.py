"""Committee forms: a round's settings, its questions, its stembureaus and phase moves."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.forms.base import AppForm
from app.forms.fields import EuroField, choices, no_markup
from app.services.questions import KIND_LABELS, RULE_LABELS, RULES_BY_KIND, rule_fits

ROUND_KIND_LABELS = {"wijktop3": _l("Wijktop-3"), "wijkstemdag": _l("Wijkstemdag")}
PHASE_LABELS = {"draft": _l("Draft"), "submission": _l("Submission of initiatives"),
                "review": _l("Review"), "voting": _l("Voting"), "counting": _l("Counting"),
                "published": _l("Published"), "archived": _l("Archived")}
DATE_FIELDS = ("submission_start", "review_start", "voting_start", "voting_end",
               "counting_start")


class RoundForm(AppForm):
    """Kind, schedule, budget rule and eligibility of a round."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200), no_markup])
    kind = RadioField(_l("Kind of round"), default="wijktop3",
                      choices=choices(ROUND_KIND_LABELS.items()))
    submission_start = DateField(_l("Submission starts"), validators=[Optional()])
    review_start = DateField(_l("Review starts"), validators=[Optional()])
    voting_start = DateField(_l("Voting starts"), validators=[Optional()])
    voting_end = DateField(_l("Voting ends"), validators=[Optional()])
    counting_start = DateField(_l("Counting starts"), validators=[Optional()])
    budget_mode = RadioField(_l("Budget"), default="rate", choices=choices([
        ("rate", _l("An amount per inhabitant")), ("fixed", _l("A fixed amount"))]))
    # Zero stays allowed here as before this field was shared; the service decides.
    budget_rate = EuroField(_l("Amount per inhabitant (EUR)"), max_cents=1000_00,
                            allow_zero=True, default=300)
    budget_fixed = EuroField(_l("Fixed amount (EUR)"), max_cents=10_000_000_00, allow_zero=True)
    min_age_text = StringField(_l("Who may vote (minimum age)"),
                               validators=[Optional(), Length(max=200), no_markup])

    def validate_budget_rate(self, field: EuroField) -> None:
        """A rate is needed when the budget is per inhabitant."""
        if self.budget_mode.data == "rate" and field.data is None:
            raise ValidationError(_l("Give the amount per inhabitant."))

    def validate_budget_fixed(self, field: EuroField) -> None:
        """An amount is needed when the budget is fixed."""
        if self.budget_mode.data == "fixed" and field.data is None:
            raise ValidationError(_l("Give the fixed amount."))

    def validate_counting_start(self, _field: DateField) -> None:
        """The phase dates must follow each other."""
        given = [getattr(self, name).data for name in DATE_FIELDS
                 if getattr(self, name).data is not None]
        if given != sorted(given):
            raise ValidationError(_l("The phase dates must follow each other in time."))

    def values(self) -> dict[str, Any]:
        """The settings as the rounds service takes them."""
        fixed = self.budget_mode.data == "fixed"
        return {"title": self.title.data.strip(), "kind": self.kind.data,
                **{name: getattr(self, name).data for name in DATE_FIELDS},
                "budget_rate_cents": None if fixed else self.budget_rate.data,
                "budget_fixed_cents": self.budget_fixed.data if fixed else None,
                "min_age_text": (self.min_age_text.data or "").strip()}

    def fill_from(self, round_: Any) -> None:
        """Shows a round's settings in the form (GET of the edit page)."""
        for name in ("title", "kind", "min_age_text", *DATE_FIELDS):
            getattr(self, name).data = getattr(round_, name)
        self.budget_mode.data = "fixed" if round_.budget_fixed_cents is not None else "rate"
        self.budget_rate.data = round_.budget_rate_cents
        self.budget_fixed.data = round_.budget_fixed_cents


class QuestionForm(AppForm):
    """A ballot question with its kind and tally rule."""

    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=1000),
                                                     no_markup])
    kind = SelectField(_l("Kind of question"), choices=choices(KIND_LABELS.items()))
    rule = SelectField(_l("Tally rule"), choices=choices(RULE_LABELS.items()))
    max_choices = IntegerField(_l("Number of choices k (ranked and approval)"),
                               validators=[Optional(), NumberRange(min=1, max=50)])
    points_total = IntegerField(_l("Points to divide (points questions)"),
                                validators=[Optional(), NumberRange(min=1, max=1000)])

    def validate_rule(self, field: SelectField) -> None:
        """The rule must fit the kind (the table in app/services/questions.py)."""
        if not rule_fits(self.kind.data, field.data):
            allowed = ", ".join(str(RULE_LABELS[r]) for r in RULES_BY_KIND.get(self.kind.data, ()))
            raise ValidationError(_l("This rule does not fit this kind of question. "
                                     "Choose one of: %(allowed)s.", allowed=allowed))

    def validate_max_choices(self, field: IntegerField) -> None:
        """Ranked and approval questions need k."""
        if self.kind.data in ("ranked", "approval") and field.data is None:
            raise ValidationError(_l("Give the number of choices (k) for this question."))

    def validate_points_total(self, field: IntegerField) -> None:
        """Points questions need the number of points."""
        if self.kind.data == "points" and field.data is None:
            raise ValidationError(_l("Give the number of points to divide for this question."))

    def values(self) -> dict[str, Any]:
        """The question as the rounds service takes it."""
        return {"text": self.text.data, "kind": self.kind.data, "rule": self.rule.data,
                "max_choices": self.max_choices.data, "points_total": self.points_total.data}


class StembureauForm(AppForm):
    """A polling station."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), no_markup])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300),
                                                     no_markup])
    opening_hours = StringField(_l("Opening hours"), validators=[Optional(), Length(max=300),
                                                                 no_markup])

    def values(self) -> dict[str, Any]:
        """The polling station as the rounds service takes it."""
        return {"name": self.name.data, "address": self.address.data,
                "opening_hours": self.opening_hours.data or ""}


class PhaseForm(AppForm):
    """Moves a round to a later phase (the service refuses anything else)."""

    to_phase = SelectField(_l("Move to phase"), choices=choices(PHASE_LABELS.items()))


class ConfirmForm(AppForm):
    """A button that only carries the CSRF token (deletions)."""
