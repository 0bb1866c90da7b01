"""The official's review form and the audit-log filter."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms.base import AppForm
from app.forms.fields import choices, no_markup
from app.services.reviews import ReviewInput

SCORES = [("", _l("(no score)"))] + [(str(n), str(n)) for n in range(1, 6)]


def _score(value: Any) -> int | None:
    """A score 1-5 from the select, None for no score."""
    return int(value) if value not in (None, "", "None") else None


def _note(label: Any) -> TextAreaField:
    """A short note on one public value."""
    return TextAreaField(label, validators=[Optional(), Length(max=2000), no_markup],
                         render_kw={"rows": 2})


class ReviewForm(AppForm):
    """Criteria checklist (DESIGN.md), public values 1-5 with notes, decision and reason."""

    support_shown = BooleanField(_l("Support in the wijk, and more than one resident involved"))
    stakeholders_consulted = BooleanField(_l("Stakeholders and dissenters consulted"))
    fits_needs = BooleanField(_l("Fits what the wijk needs"))
    adds_value = BooleanField(_l("Adds value to liveability, safety or involvement"))
    incidental_only = BooleanField(_l("Incidental funding only (no structural costs)"))
    no_commercial_interest = BooleanField(_l("No commercial interest"))
    legitimacy = SelectField(_l("Legitimacy"), choices=choices(SCORES), coerce=_score)
    legitimacy_note = _note(_l("Note on legitimacy"))
    involvement = SelectField(_l("Involvement"), choices=choices(SCORES), coerce=_score)
    involvement_note = _note(_l("Note on involvement"))
    return_value = SelectField(_l("Return"), choices=choices(SCORES), coerce=_score)
    return_note = _note(_l("Note on return"))
    decision = RadioField(_l("Decision"), validators=[InputRequired()], choices=choices([
        ("admitted", _l("Admitted: on the ballot")),
        ("not_admitted", _l("Not admitted"))]))
    reason = TextAreaField(_l("Reason (the initiators and everyone else will read this)"),
                           validators=[DataRequired(), Length(max=4000), no_markup])

    def review_input(self) -> ReviewInput:
        """The validated form for the service."""
        values = ("legitimacy", "involvement", "return_value")
        notes = {"legitimacy": self.legitimacy_note, "involvement": self.involvement_note,
                 "return_value": self.return_note}
        return ReviewInput(
            criteria={name: bool(self[name].data) for name in (
                "support_shown", "stakeholders_consulted", "fits_needs", "adds_value",
                "incidental_only", "no_commercial_interest")},
            scores={name: self[name].data for name in values},
            notes={name: notes[name].data or "" for name in values},
            decision=self.decision.data, reason=self.reason.data)


class AuditFilterForm(AppForm):
    """Filters of the audit log, sent with GET (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    round = SelectField(_l("Round"), coerce=str, default="")
    action = SelectField(_l("Action"), coerce=str, default="")
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Up to and including"), validators=[Optional()])
