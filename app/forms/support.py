"""The residents' support (draagvlak) forms."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.forms.base import AppForm
from app.forms.fields import no_markup


class SupportForm(AppForm):
    """An e-mail address or phone number to confirm one support per person."""

    contact = StringField(_l("Your e-mail address or phone number"),
                          validators=[DataRequired(), Length(max=254), no_markup],
                          render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Support this initiative"))


class ConfirmSupportForm(AppForm):
    """The confirm button: opening the link alone does not confirm (mail scanners open links)."""

    submit = SubmitField(_l("Confirm my support"))
