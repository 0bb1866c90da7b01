"""Shared form fields: euro amounts typed the Dutch or English way, stored as integer cents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import ValidationError

# ASCII digits only (re's \d would let Arabic-Indic and other Unicode digits through).
_CHARS = re.compile(r"^[0-9.,]{1,30}$")
_PLAIN = re.compile(r"^[0-9]{1,15}$")
# A first group without a leading zero, then groups of three: "0.125" is not 125 euros.
_GROUPED_DOT = re.compile(r"^[1-9][0-9]{0,2}(?:\.[0-9]{3})+$")
_GROUPED_COMMA = re.compile(r"^[1-9][0-9]{0,2}(?:,[0-9]{3})+$")
_MAX_TYPED = 40
_UNREADABLE = _l("Enter an amount in euros, e.g. 1250 or 1.250,50.")
_TOO_PRECISE = _l("An amount has at most two decimals (cents).")


_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_markup(_form: Any, field: Any) -> None:
    """Refuses HTML tags and control characters in free text (escaping is the second guard)."""
    if isinstance(field.data, str) and _MARKUP.search(field.data):
        raise ValidationError(_l("Text may not contain HTML tags or control characters."))


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class AmountError(ValueError):
    """An amount that cannot be read; ``args[0]`` is the (lazy, translatable) message."""


def _grouped(digits: str, mark: str) -> str | None:
    """Digits of ``digits`` when it groups thousands with ``mark`` (``1.234.567``), else None."""
    pattern = _GROUPED_DOT if mark == "." else _GROUPED_COMMA
    return digits.replace(mark, "") if pattern.match(digits) else None


def parse_amount(text: str) -> int:
    """Cents for an amount in euros typed the Dutch or the English way.

    The last ``.`` or ``,`` followed by one or two digits is the decimal mark; other
    marks must group thousands (``1.234.567,89``). A single mark followed by exactly
    three digits groups thousands too (``1.234`` and ``1,234`` are 1234 euros): three
    decimals never make sense for money. Four or more digits after the last mark, or
    three after a mark that also has a decimal mark behind it, are refused.

    Args:
        text: e.g. ``"1.234,56"``, ``"1234.56"``, ``"€ 12,5"``, ``"1.234"`` or ``"80"``.

    Returns:
        Cents, e.g. ``parse_amount("1.234,56") == parse_amount("1234.56") == 123456``
        and ``parse_amount("1.234") == 123400``.

    Raises:
        AmountError: with a translatable message when the text is not such an amount.
    """
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace(" ", "")
    if cleaned.startswith("-"):
        raise AmountError(_l("An amount cannot be negative."))
    if not _CHARS.match(cleaned):
        raise AmountError(_UNREADABLE)
    last = max(cleaned.rfind("."), cleaned.rfind(","))
    if last < 0:
        return _cents(cleaned, "")
    mark, whole, fraction = cleaned[last], cleaned[:last], cleaned[last + 1:]
    other = "," if mark == "." else "."
    if mark in whole:
        # The same mark more than once can only group thousands: 1.234.567 (no decimals).
        grouped = _grouped(cleaned, mark) if other not in cleaned else None
        return _cents(grouped, "")
    if len(fraction) == 3 and other not in whole:
        # One mark and three digits: 1.234 is one thousand two hundred thirty-four euros.
        grouped = _grouped(cleaned, mark)
        if grouped is None:
            raise AmountError(_TOO_PRECISE)  # 1234.567 or 0,125: not a grouping
        return _cents(grouped, "")
    if len(fraction) > 2:
        raise AmountError(_TOO_PRECISE)
    if not fraction:
        raise AmountError(_UNREADABLE)  # "12."
    if other in whole:
        whole = _grouped(whole, other)
    return _cents(whole, fraction)


def _cents(whole: str | None, fraction: str) -> int:
    """Cents from checked whole-euro digits and zero to two decimals (None: unreadable)."""
    if whole is None or not _PLAIN.match(whole or "0"):
        raise AmountError(_UNREADABLE)
    return int(whole or "0") * 100 + int(fraction.ljust(2, "0"))


def format_euros(cents: int | None) -> str:
    """Dutch notation of an amount, e.g. ``format_euros(370350) == "€ 3.703,50"``."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"


class EuroField(StringField):
    """An amount in euros read by ``parse_amount``; ``data`` is integer cents (None when empty).

    ``max_cents`` bounds the amount so huge numbers are refused with a message;
    ``allow_zero`` says whether EUR 0 is a valid answer (co-financing) or not (a cost).
    """

    def __init__(self, label: Any = None, validators: Any = None, *,
                 max_cents: int = 100_000_000_00, allow_zero: bool = False,
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
        """Parses the typed amount into cents, refusing zero (unless allowed) and huge amounts."""
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        if len(str(valuelist[0])) > _MAX_TYPED:
            raise ValueError(_UNREADABLE)
        try:
            cents = parse_amount(str(valuelist[0]))
        except AmountError as error:
            raise ValueError(error.args[0]) from None
        if cents == 0 and not self.allow_zero:
            raise ValueError(_l("An amount must be more than EUR 0."))
        if cents > self.max_cents:
            raise ValueError(_l("This amount is too large (at most %(most)s).",
                                most=format_euros(self.max_cents)))
        self.data = cents
