"""The residents' initiative form: text, cost lines in euros, co-financing, initiators."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms.base import AppForm
from app.forms.fields import EuroField, choices, no_markup
from app.services.initiatives import MAX_LINE_CENTS, InitiativeDraft, InitiatorDraft

MAX_COST_LINES = 20
MAX_INITIATORS = 10
_EMAIL = re.compile(r"^[^@\s<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,30}$")


def _text(field: Any) -> str:
    """A text field's value stripped ('' when it was not sent)."""
    return (field.data or "").strip()


def _check_contact(row: Form) -> None:
    """Marks a malformed e-mail address or phone number of an initiator row."""
    email, phone = _text(row.email), _text(row.phone)
    if email and not _EMAIL.match(email):
        row.email.errors.append(_l("This is not an e-mail address."))
    if phone and not _PHONE.match(phone):
        row.phone.errors.append(_l("This is not a phone number."))


class CostLineForm(Form):
    """One line of the cost breakdown; an empty row is ignored."""

    description = StringField(_l("What for"), validators=[Length(max=300), no_markup])
    amount = EuroField(_l("Amount (EUR)"), max_cents=MAX_LINE_CENTS,
                       render_kw={"inputmode": "decimal"})


class InitiatorForm(Form):
    """One initiator: a name and an e-mail address or phone number."""

    name = StringField(_l("Name"), validators=[Length(max=120), no_markup])
    email = StringField(_l("E-mail address"), validators=[Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off"})
    phone = StringField(_l("Phone number"), validators=[Length(max=40)],
                        render_kw={"type": "tel", "autocomplete": "off"})


class InitiativeForm(AppForm):
    """A new initiative; rows of cost lines and initiators that are left empty are ignored."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200), no_markup])
    description = TextAreaField(_l("Description"),
                                validators=[DataRequired(), Length(max=5000), no_markup])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300), no_markup])
    cost_lines = FieldList(FormField(CostLineForm), min_entries=3, max_entries=MAX_COST_LINES)
    cofinancing = EuroField(_l("Co-financing (EUR)"), max_cents=MAX_LINE_CENTS, allow_zero=True,
                            render_kw={"inputmode": "decimal"})
    initiators = FieldList(FormField(InitiatorForm), min_entries=3, max_entries=MAX_INITIATORS)
    add_line = SubmitField(_l("Add a cost line"))
    add_initiator = SubmitField(_l("Add an initiator"))
    submit = SubmitField(_l("Submit initiative"))

    def wants_more_rows(self) -> bool:
        """True (and a row added) when the resident asked for another row instead of sending."""
        if self.add_line.data and len(self.cost_lines) < MAX_COST_LINES:
            self.cost_lines.append_entry()
            return True
        if self.add_initiator.data and len(self.initiators) < MAX_INITIATORS:
            self.initiators.append_entry()
            return True
        return False

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the rules across rows: costs, co-financing, two initiators."""
        valid = super().validate(extra_validators)
        lines = self._filled_lines()
        if not lines:
            self.form_errors.append(_l("Give at least one cost line."))
        total = sum(line.amount.data or 0 for line in lines)
        if total > MAX_LINE_CENTS:
            self.form_errors.append(_l("The total cost may be at most EUR 1,000,000."))
        if self.cofinancing.data and self.cofinancing.data > total:
            self.cofinancing.errors.append(_l("The co-financing cannot be more than the total "
                                              "cost."))
        for row in self._filled_initiators():
            if not _text(row.name):
                row.name.errors.append(_l("Give a name."))
            if not (_text(row.email) or _text(row.phone)):
                row.email.errors.append(_l("Give an e-mail address or a phone number."))
            _check_contact(row)
        if len(self._filled_initiators()) < 2:
            self.form_errors.append(_l("An initiative needs at least two initiators, each with "
                                       "a name and an e-mail address or phone number."))
        return valid and not self.form_errors and not self._row_errors()

    def _filled_lines(self) -> list[Form]:
        """Cost-line rows with anything typed in; a row with text needs an amount."""
        rows = []
        for entry in self.cost_lines:
            row = entry.form
            if not _text(row.description) and row.amount.data is None \
                    and not row.amount.errors:
                continue
            if row.amount.data is None and not row.amount.errors:
                row.amount.errors.append(_l("Give the amount."))
            if not _text(row.description):
                row.description.errors.append(_l("Say what the amount is for."))
            rows.append(row)
        return rows

    def _filled_initiators(self) -> list[Form]:
        """Initiator rows with anything typed in."""
        fields = ("name", "email", "phone")
        return [entry.form for entry in self.initiators
                if any(_text(entry.form[name]) for name in fields)]

    def _row_errors(self) -> bool:
        """True when any row field has an error."""
        return any(field.errors for rows in (self.cost_lines, self.initiators)
                   for entry in rows for field in entry.form)

    def draft(self) -> InitiativeDraft:
        """The validated form as an ``InitiativeDraft`` for the service."""
        return InitiativeDraft(
            title=self.title.data, description=self.description.data,
            location=self.location.data or "", cofinancing_cents=self.cofinancing.data or 0,
            cost_lines=tuple((_text(row.description), row.amount.data)
                             for row in self._filled_lines()),
            initiators=tuple(InitiatorDraft(_text(row.name), _text(row.email), _text(row.phone))
                             for row in self._filled_initiators()))


STATUS_LABELS = {"submitted": _l("Submitted"), "admitted": _l("Admitted"),
                 "not_admitted": _l("Not admitted")}


class SearchForm(AppForm):
    """Search and status filter on a round's initiatives, sent with GET."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()], choices=choices(
        [("", _l("All"))] + list(STATUS_LABELS.items())))
