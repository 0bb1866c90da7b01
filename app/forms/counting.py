"""The official's counting forms: run the count, confirm it (four eyes), publish it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from app.forms.base import AppForm
from app.forms.fields import no_markup


class RunCountForm(AppForm):
    """Starts the count (the button is the whole form; CSRF protects it)."""


class ConfirmCountForm(AppForm):
    """The second official confirms exactly the result shown (its fingerprint)."""

    fingerprint = HiddenField(validators=[DataRequired(), Length(min=64, max=64),
                                          Regexp(r"^[0-9a-f]{64}$")])
    checked = BooleanField(
        _l("I have checked this result and confirm it as the second official"),
        validators=[DataRequired(_l("Tick the box to confirm that you checked the result."))])


class PublishForm(AppForm):
    """Publishes a confirmed count."""


class DiscardCountForm(AppForm):
    """Throws an unpublished count away so that the round can be counted again."""

    reason = TextAreaField(_l("Why is this count discarded?"),
                           validators=[DataRequired(), Length(max=500), no_markup],
                           render_kw={"rows": 2})
