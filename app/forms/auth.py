"""Login and language forms."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.forms.base import AppForm
from app.forms.fields import choices


class LoginForm(AppForm):
    """Username and password of a staff account."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


LANGUAGE_NAMES = (("nl", "Nederlands"), ("en", "English"))


class LanguageForm(AppForm):
    """The language switch in the page header."""

    lang = SelectField(_l("Language"), choices=choices(LANGUAGE_NAMES))
    next = HiddenField()
    submit = SubmitField(_l("Switch"))
