"""Forms of the paper ballots page: issued count and CSV batch (the ballot itself is read
by ``app.forms.vote.answers``, protected by ``app.forms.vote.BallotForm``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from app.forms.base import AppForm
from app.services.paper import MAX_ISSUED


class IssuedForm(AppForm):
    """How many ballots a stembureau handed out."""

    issued = IntegerField(_l("Ballots issued"),
                          validators=[InputRequired(), NumberRange(min=0, max=MAX_ISSUED)])


class BatchForm(AppForm):
    """A CSV file with the paper ballots of one question."""

    question = SelectField(_l("Question"), coerce=int, validate_choice=True)
    file = FileField(_l("CSV file"), validators=[FileRequired()])
