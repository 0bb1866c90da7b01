"""Sentences of a result that can be said in Dutch as well as English.

A rule writes what it did as a ``Text``: an English template, which is the gettext
msgid, with its values filled in. A ``Text`` *is* its English sentence (a ``str``),
so results and their canonical JSON read as before; ``say(text, "nl")`` looks the
template up in the core's gettext catalogue (``voting/translations/nl/LC_MESSAGES/``:
``voting.po``, and ``voting.mo`` compiled from it and kept in git, so that the core reads
it with the standard library alone) and fills in the values the Dutch way::

    >>> note = Text("Surplus of {option} transferred at {factor} per vote.", option="Jansen",
    ...             factor=Fraction(1, 3))
    >>> note
    'Surplus of Jansen transferred at 1/3 per vote.'
    >>> say(note, "nl")
    'Overschot van Jansen overgedragen met een waarde van 1/3 per stem.'
    >>> say(Text("its municipal cost {price} is above the cap of {cap} per project",
    ...          price=Money(123450), cap=Money(100000)), "nl").replace(NO_BREAK_SPACE, " ")
    'het deel voor de gemeente, € 1.234,50, is hoger dan het maximum van € 1.000,00 per initiatief'

Values: ``Money`` (cents), ``int``, ``Fraction`` (shown as ``p/q``), ``str`` (labels,
shown as they are) and ``Text`` (said in the same language). The catalogue's header
says how to extract new templates.
"""

from __future__ import annotations

import functools
import gettext
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

LANGUAGES = ("nl", "en")
CATALOGUES = Path(__file__).resolve().parent / "translations"
# Dutch money keeps a no-break space after the currency sign ("€\xa0450,00", as CLDR
# writes it), so that a web page never breaks the line between them.
NO_BREAK_SPACE = "\xa0"
SIGNS = {"EUR": "€"}  # other currencies show their code: "PLN\xa01.234,56"


@dataclass(frozen=True)
class Money:
    """An amount in cents, shown as money in the language of the sentence."""

    cents: int
    currency: str = "EUR"


class Text(str):
    """An English sentence that remembers its template and values to be said again."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Text:
        values = {key: _plain(value) for key, value in values.items()}
        text = super().__new__(cls, template.format_map(
            {key: _english(value) for key, value in values.items()}))
        text.template = template
        text.values = values
        return text

    def __reduce__(self) -> tuple:  # crosses to Add1 worker processes and back
        return _rebuild, (self.template, self.values)


def _rebuild(template: str, values: dict[str, Any]) -> Text:
    return Text(template, **values)


def say(text: str, language: str = "en") -> str:
    """``text`` in ``language``; a plain ``str``, or a template the catalogue lacks,
    stays English."""
    if not isinstance(text, Text) or language == "en":
        return str(text)
    template = _catalogue(language).gettext(text.template)
    return template.format_map({key: _shown(value, language)
                                for key, value in text.values.items()})


def relabel(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every value that is a label in ``names`` (an option's id in the
    file) replaced by its name there, also in the sentences it holds; a plain ``str``
    stays as it is.

    >>> relabel(Text("{project} bought for {price}: its {supporters} supporters paid at "
    ...              "most {payment} each.", project="12", price=Money(500),
    ...              supporters=2, payment=Money(250)), {"12": "Speeltuin"})
    'Speeltuin bought for EUR 5.00: its 2 supporters paid at most EUR 2.50 each.'
    """
    if not isinstance(text, Text):
        return text
    return Text(text.template, **{
        key: relabel(value, names) if isinstance(value, Text)
        else names.get(value, value) if isinstance(value, str) else value
        for key, value in text.values.items()})


def number(value: int | Fraction, language: str = "en") -> str:
    """An exact count or vote value: ``1,234`` / ``12.3457`` in English; in Dutch
    ``1234`` / ``12.345`` / ``12,3457`` (the thousands point from five digits on, as Dutch
    usage has it, so that round and step numbers read plainly). Fractions to 4 decimals."""
    exact = isinstance(value, Fraction) and value.denominator != 1
    if language == "en":
        return f"{float(value):,.4f}" if exact else f"{int(value):,}"
    shown = f"{float(value):.4f}" if exact else str(int(value))
    whole, _, decimals = shown.lstrip("-").partition(".")
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", ".")
    return ("-" if shown.startswith("-") else "") + whole + ("," + decimals if decimals else "")


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds."""
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def _english(value: Any) -> str:
    if isinstance(value, Money):
        sign = "-" if value.cents < 0 else ""
        whole, part = divmod(abs(int(value.cents)), 100)
        return f"{sign}{value.currency} {whole:,}.{part:02d}"
    return str(value)


def _shown(value: Any, language: str) -> str:
    if isinstance(value, Text):
        return say(value, language)
    if isinstance(value, Money):
        sign = "-" if value.cents < 0 else ""
        whole, part = divmod(abs(int(value.cents)), 100)
        amount = f"{whole:,}".replace(",", ".") + f",{part:02d}"
        return f"{SIGNS.get(value.currency, value.currency)}{NO_BREAK_SPACE}{sign}{amount}"
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value, language)
    return _english(value)


@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations:
    """The language's compiled ``voting.mo``; without it (an install without its data
    files) a warning, and the English templates."""
    try:
        return gettext.translation("voting", CATALOGUES, languages=[language])
    except OSError:
        warnings.warn(f"no catalogue voting.mo for {language!r} in {CATALOGUES}: the text "
                      "stays English", stacklevel=3)
        return gettext.NullTranslations()
