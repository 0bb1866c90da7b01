"""Administrator forms: stadsdelen, wijken, CSV import and accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.forms.base import AppForm
from app.forms.fields import choices, no_markup
from app.models import ROLES

ROLE_LABELS = {"admin": _l("Administrator"), "official": _l("Official (gebiedsteam)"),
               "committee": _l("Committee member (wijkcommissie)")}


class StadsdeelForm(AppForm):
    """Name of a stadsdeel."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100), no_markup])


class WijkForm(AppForm):
    """A wijk with its inhabitant count and postcodes (stadsdeel choices set by the view)."""

    stadsdeel_id = SelectField(_l("Stadsdeel"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100), no_markup])
    code = StringField(_l("CBS wijkcode (optional)"), validators=[
        Optional(), Length(max=20),
        Regexp(r"^[A-Za-z0-9]+$", message=_l("Only letters and digits."))])
    inhabitants = IntegerField(_l("Inhabitants"), validators=[
        Optional(), NumberRange(min=0, max=10_000_000)])
    postcodes = TextAreaField(_l("Postcodes"), validators=[Optional(), Length(max=2000),
                                                           no_markup])

    def validate_inhabitants(self, field: IntegerField) -> None:
        """Inhabitants are required (0 is allowed, so DataRequired does not fit)."""
        if field.data is None:
            raise ValidationError(_l("Give the number of inhabitants."))


class ImportForm(AppForm):
    """A CSV file of wijken and the stadsdeel for rows without one."""

    file = FileField(_l("CSV file"), validators=[FileRequired()])
    stadsdeel_id = SelectField(_l("Stadsdeel for rows without one"), coerce=int)


class AccountForm(AppForm):
    """A staff account's name, role and scope; scope choices come from the view (0: none)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120), no_markup])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254),
                                                             Email()])
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))
    stadsdeel_id = SelectField(_l("Stadsdeel (officials)"), coerce=int, default=0)
    wijk_id = SelectField(_l("Wijk (committee members)"), coerce=int, default=0)


class NewAccountForm(AccountForm):
    """A new account: also a username and an initial password."""

    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=80),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, dots, dashes only."))])
    password = PasswordField(_l("Password (at least 10 characters)"),
                             validators=[DataRequired(), Length(min=10, max=200)],
                             render_kw={"autocomplete": "new-password"})


class EditAccountForm(AccountForm):
    """Changes to an account; an empty password keeps the old one."""

    password = PasswordField(_l("New password (leave empty to keep)"),
                             validators=[Optional(), Length(min=10, max=200)],
                             render_kw={"autocomplete": "new-password"})
    active = BooleanField(_l("Active"))
