"""The base of every form: Flask-WTF's CSRF protection with translations loaded once.

Flask-WTF parses WTForms' catalogue of built-in messages (``wtforms.mo``) again
for every request that builds a form; here each language's catalogue is read
once per process. That was a fifth of the CPU time of a voting page
(measured with cProfile on the voting flow).
"""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=8)
def wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own messages (e.g. "This field is required.") in ``locale``."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class AppForm(FlaskForm):
    """A FlaskForm whose WTForms messages come from the per-process catalogue."""

    class Meta(FlaskForm.Meta):
        """Form options: the cached translations."""

        def get_translations(self, form: FlaskForm) -> support.Translations:
            """The catalogue of the request's language."""
            return wtforms_translations(str(get_locale()))
