"""Shared form fields: euro amounts typed the Dutch way, stored as integer cents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import ValidationError

# "3", "3,50", "3.50", "1250,00" (no thousands separators: "1.250" is ambiguous).
_EURO = re.compile(r"^(\d{1,12})(?:[.,](\d{1,2}))?$")


_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_markup(_form: Any, field: Any) -> None:
    """Refuses HTML tags and control characters in free text (escaping is the second guard)."""
    if isinstance(field.data, str) and _MARKUP.search(field.data):
        raise ValidationError(_l("Text may not contain HTML tags or control characters."))


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def parse_euros(text: str) -> int:
    """Cents for an amount in euros.

    Args:
        text: e.g. ``"3"``, ``"3,50"`` or ``"€ 12.5"``.

    Returns:
        The amount in cents, e.g. ``parse_euros("3,50") == 350``.

    Raises:
        ValueError: when the text is not a plain non-negative amount.
    """
    cleaned = text.strip().replace("€", "").replace(" ", "")
    match = _EURO.match(cleaned)
    if not match:
        raise ValueError(text)
    whole, fraction = match.groups()
    return int(whole) * 100 + int((fraction or "0").ljust(2, "0"))


def format_euros(cents: int | None) -> str:
    """Dutch notation of an amount, e.g. ``format_euros(370350) == "€ 3.703,50"``."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"


class EuroField(StringField):
    """An amount in euros; ``data`` is integer cents (None when left empty).

    ``max_cents`` bounds the amount so huge numbers are refused with a message.
    """

    def __init__(self, label: Any = None, validators: Any = None, *,
                 max_cents: int = 100_000_000_00, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.max_cents = max_cents

    def _value(self) -> str:
        """The amount as shown in the input."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        whole, rest = divmod(self.data, 100)
        return f"{whole},{rest:02d}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parses the typed amount into cents."""
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            self.data = parse_euros(str(valuelist[0]))
        except ValueError:
            raise ValueError(_l("Enter an amount in euros, e.g. 3 or 3,50.")) from None
        if self.data > self.max_cents:
            self.data = None
            raise ValueError(_l("This amount is too large."))
