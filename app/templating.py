"""Template helpers: money, dates and links to areas that may not be registered."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask, current_app, url_for
from flask_babel import format_currency, format_date, format_decimal


def url_if(endpoint: str, **values: object) -> str | None:
    """URL of ``endpoint``, or None when no blueprint provides it (yet)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def nice_date(value: date | None) -> str:
    """A date in the user's language, or a dash."""
    return format_date(value, "medium") if value else "–"


def number(value: int | None) -> str:
    """A whole number with the user's digit grouping (11.870 in Dutch)."""
    return format_decimal(value or 0)


def euros(cents: int | None) -> str:
    """An amount of cents in euros, written the user's way (€ 3.000,00 in Dutch)."""
    if cents is None:
        return "–"
    return format_currency(Decimal(cents) / 100, "EUR")


def init_app(app: Flask) -> None:
    """Registers the filters and globals."""
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["nice_date"] = nice_date
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["url_if"] = url_if
