"""Forms of the paper ballots page: issued count, CSV batch and clearing a question (the
ballot itself, recorded or withdrawn, is read by ``app.forms.vote.answers``, protected by
``app.forms.vote.BallotForm``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

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


class ClearForm(AppForm):
    """Removes a stembureau's recorded paper answers to one question, to record them again."""

    # Not "question": the batch form's field has that id on the same page.
    question_to_clear = SelectField(_l("Question"), coerce=int, validate_choice=True)
    confirm = BooleanField(
        _l("I understand that every paper answer to this question recorded for this "
           "stembureau is removed"),
        validators=[DataRequired(_l("Tick the box to confirm."))])
