"""The residents' initiative form: text, cost lines in euros, co-financing, initiators."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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

from app.forms.fields import choices, no_markup
from app.services.initiatives import MAX_LINE_CENTS, InitiativeDraft, InitiatorDraft

MAX_COST_LINES = 20
MAX_INITIATORS = 10
_GROUPED = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$|^[0-9]{1,3}(?:,[0-9]{3})+$")
_PLAIN = re.compile(r"^[0-9]{1,15}$")
_CHARS = re.compile(r"^[0-9.,]{1,30}$")
_EMAIL = re.compile(r"^[^@\s<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,30}$")


class AmountError(ValueError):
    """An amount that cannot be read; ``args[0]`` is the message to show."""


def parse_amount(text: str) -> int:
    """Cents for an amount in euros typed the Dutch or the English way.

    The last ``.`` or ``,`` followed by one or two digits is the decimal mark; other
    marks must group thousands (``1.234.567,89``). A single mark followed by three
    digits is refused as ambiguous-or-too-precise (``1.234`` has three decimals).

    Args:
        text: e.g. ``"1.234,56"``, ``"1234.56"``, ``"€ 12,5"`` or ``"80"``.

    Returns:
        Cents, e.g. ``parse_amount("1.234,56") == parse_amount("1234.56") == 123456``.

    Raises:
        AmountError: with a Dutch-ready message when the text is not such an amount.
    """
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace(" ", "")
    if cleaned.startswith("-"):
        raise AmountError(_l("An amount cannot be negative."))
    if not _CHARS.match(cleaned):
        raise AmountError(_l("Enter an amount in euros, e.g. 1250 or 1.250,50."))
    marks = {c for c in cleaned if c in ".,"}
    last = max(cleaned.rfind("."), cleaned.rfind(","))
    if len(marks) == 1 and cleaned.count(cleaned[last]) > 1:
        whole, fraction = cleaned, ""  # 1.234.567: thousands only
    elif marks:
        whole, fraction = cleaned[:last], cleaned[last + 1:]
    else:
        whole, fraction = cleaned, ""
    if len(fraction) > 2:
        raise AmountError(_l("An amount has at most two decimals (cents)."))
    if "." in whole or "," in whole:
        if not _GROUPED.match(whole):
            raise AmountError(_l("Enter an amount in euros, e.g. 1250 or 1.250,50."))
        whole = re.sub(r"[.,]", "", whole)
    if not _PLAIN.match(whole or "0") or (marks and not fraction and last == len(cleaned) - 1):
        raise AmountError(_l("Enter an amount in euros, e.g. 1250 or 1.250,50."))
    return int(whole or "0") * 100 + int(fraction.ljust(2, "0"))


class AmountField(StringField):
    """An amount in euros; ``data`` is cents (None when empty). Above ``max_cents`` is refused."""

    def __init__(self, label: Any = None, validators: Any = None, *,
                 max_cents: int = MAX_LINE_CENTS, allow_zero: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.max_cents, self.allow_zero = max_cents, allow_zero

    def _value(self) -> str:
        """The amount as typed, or as Dutch notation when it came from the server."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        whole, rest = divmod(self.data, 100)
        return f"{whole},{rest:02d}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parses the amount into cents, refusing zero, huge and negative amounts."""
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        if len(str(valuelist[0])) > 40:
            raise ValueError(_l("Enter an amount in euros, e.g. 1250 or 1.250,50."))
        try:
            cents = parse_amount(str(valuelist[0]))
        except AmountError as error:
            raise ValueError(error.args[0]) from None
        if cents == 0 and not self.allow_zero:
            raise ValueError(_l("An amount must be more than EUR 0."))
        if cents > self.max_cents:
            raise ValueError(_l("This amount is too large (at most EUR 1,000,000)."))
        self.data = cents


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
    amount = AmountField(_l("Amount (EUR)"), render_kw={"inputmode": "decimal"})


class InitiatorForm(Form):
    """One initiator: a name and an e-mail address or phone number."""

    name = StringField(_l("Name"), validators=[Length(max=120), no_markup])
    email = StringField(_l("E-mail address"), validators=[Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off"})
    phone = StringField(_l("Phone number"), validators=[Length(max=40)],
                        render_kw={"type": "tel", "autocomplete": "off"})


class InitiativeForm(FlaskForm):
    """A new initiative; rows of cost lines and initiators that are left empty are ignored."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200), no_markup])
    description = TextAreaField(_l("Description"),
                                validators=[DataRequired(), Length(max=5000), no_markup])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300), no_markup])
    cost_lines = FieldList(FormField(CostLineForm), min_entries=3, max_entries=MAX_COST_LINES)
    cofinancing = AmountField(_l("Co-financing (EUR)"), allow_zero=True,
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


class SearchForm(FlaskForm):
    """Search and status filter on a round's initiatives, sent with GET."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()], choices=choices(
        [("", _l("All"))] + list(STATUS_LABELS.items())))
