"""The one euro-amount parser and field shared by the initiative and committee forms."""

from __future__ import annotations

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select
from werkzeug.datastructures import MultiDict
from wtforms import Form

from app.forms.fields import AmountError, EuroField, format_euros, parse_amount
from app.models import CostLine, Initiative, Round
from tests.app.conftest import page_text, post_form

pytestmark = pytest.mark.sqlite_only

DECIMALS_NL = "hoogstens twee cijfers achter de komma"
UNREADABLE_NL = "Vul een bedrag in euro in"
NEGATIVE_NL = "Een bedrag kan niet negatief zijn."


@pytest.mark.parametrize(("text", "cents"), [
    # Dutch and English notation, with or without thousands grouping.
    ("1.234,56", 123456), ("1234.56", 123456), ("1234,56", 123456), ("1,234.56", 123456),
    ("1.234.567,89", 123456789), ("1,234,567.89", 123456789), ("1.000.000", 100000000),
    ("80", 8000), ("€ 12,5", 1250), ("€12.50", 1250), ("12,50 EUR", 1250), ("0,05", 5),
    ("0", 0), (" 3 ", 300), ("3,5", 350), (",50", 50),
    # A single mark followed by exactly three digits groups thousands (never three decimals).
    ("1.234", 123400), ("1,234", 123400), ("12.345", 1234500), ("12,345", 1234500),
    ("999.999", 99999900), ("100,000", 10000000), ("1.234,5", 123450),
])
def test_amounts_typed_dutch_or_english_become_cents(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(("text", "message"), [
    ("-5", NEGATIVE_NL), ("€ -1.234,56", NEGATIVE_NL),
    # Four or more digits after the mark, or three after a decimal mark, are too precise.
    ("1.2345", DECIMALS_NL), ("1,2345", DECIMALS_NL), ("3,9999", DECIMALS_NL),
    ("1.234,567", DECIMALS_NL), ("1,234.567", DECIMALS_NL),
    # Three digits after a mark that cannot group thousands: too precise, not 125 euros.
    ("0,125", DECIMALS_NL), ("1234.567", DECIMALS_NL), (".125", DECIMALS_NL),
    # Junk and ambiguity.
    ("1,2,3", UNREADABLE_NL), ("12.", UNREADABLE_NL), ("1.234.56", UNREADABLE_NL),
    ("12.34,56", UNREADABLE_NL), ("1.234,567.89", UNREADABLE_NL), ("1,234.567,89", UNREADABLE_NL),
    ("1.23.456", UNREADABLE_NL), ("0.123.456", UNREADABLE_NL), ("1e5", UNREADABLE_NL),
    ("abc", UNREADABLE_NL), ("NaN", UNREADABLE_NL), ("0x10", UNREADABLE_NL),
    ("", UNREADABLE_NL), ("€", UNREADABLE_NL), (".", UNREADABLE_NL), ("3 euro", UNREADABLE_NL),
    ("9" * 16, UNREADABLE_NL),
    # Unicode digits (Arabic-Indic, full-width) are not ASCII digits.
    ("١٢٣", UNREADABLE_NL), ("１２３", UNREADABLE_NL), ("1.２34", UNREADABLE_NL),
])
def test_unreadable_amounts_are_refused_with_a_dutch_reason(app: Flask, text: str,
                                                            message: str) -> None:
    with pytest.raises(AmountError) as refused, app.test_request_context("/"):
        parse_amount(text)
    with app.test_request_context("/"):
        assert message in str(refused.value.args[0])


@given(st.integers(min_value=0, max_value=10**14))
def test_amounts_written_with_grouping_read_back_to_the_same_cents(cents: int) -> None:
    euros, rest = divmod(cents, 100)
    english = f"{euros:,}.{rest:02d}"  # Python's own grouping, independent of the parser
    dutch = english.translate(str.maketrans(",.", ".,"))
    assert parse_amount(english) == parse_amount(dutch) == cents
    assert parse_amount(format_euros(cents)) == cents
    assert parse_amount(f"{euros:,}") == parse_amount(f"{euros:,}".replace(",", ".")) \
        == euros * 100


class _Amounts(Form):
    """Both uses of the field: a cost (no zero) and a co-financing-like amount (zero allowed)."""

    cost = EuroField(max_cents=1000_00)
    share = EuroField(max_cents=1000_00, allow_zero=True)


def _errors(app: Flask, **typed: str) -> dict[str, list[str]]:
    """The field errors, in Dutch, of a form filled with ``typed``."""
    with app.test_request_context("/"):
        form = _Amounts(MultiDict(typed))
        form.validate()
        return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def test_field_gives_cents_and_keeps_what_was_typed(app: Flask) -> None:
    with app.test_request_context("/"):
        form = _Amounts(MultiDict({"cost": "1.234", "share": "0"}))
        assert form.validate() is False  # 1.234 euros exceed EUR 1000
        form = _Amounts(MultiDict({"cost": "999,99", "share": "0"}))
        assert form.validate() and (form.cost.data, form.share.data) == (99999, 0)
        assert form.cost._value() == "999,99"
        assert _Amounts(MultiDict({})).cost.data is None
        assert _Amounts(cost=1250).cost._value() == "12,50"


def test_field_refuses_zero_unless_allowed_and_too_large_amounts(app: Flask) -> None:
    errors = _errors(app, cost="0", share="1.000,01")
    assert errors["cost"] == ["Een bedrag moet meer dan € 0 zijn."]
    assert errors["share"] == [f"Dit bedrag is te hoog (hoogstens {format_euros(1000_00)})."]
    assert format_euros(1000_00) == "€ 1.000,00"
    assert _errors(app, cost="12,3456")["cost"][0].endswith(DECIMALS_NL + " (centen).")
    assert _errors(app, cost="1" * 41)["cost"][0].startswith(UNREADABLE_NL)


def test_initiative_cost_typed_with_a_thousands_dot_is_stored_in_cents(client, db, world) -> None:
    data = {"title": "Bankjes", "description": "Twee bankjes.", "location": "",
            "cost_lines-0-description": "Bankjes", "cost_lines-0-amount": "1.234",
            "cost_lines-1-description": "Plaatsen", "cost_lines-1-amount": "12,345",
            "cofinancing": "1.000",
            "initiators-0-name": "Anna Jansen", "initiators-0-email": "anna@example.org",
            "initiators-1-name": "Bram de Vries", "initiators-1-phone": "06 1234 5678",
            "submit": "1"}
    response = post_form(client, f"/ronde/{world['round_A1']}/indienen", data)
    assert response.status_code == 302
    initiative = db.exec(select(Initiative).where(Initiative.title == "Bankjes")).one()
    lines = db.exec(select(CostLine).where(CostLine.initiative_id == initiative.id)
                    .order_by(CostLine.id)).all()
    assert [line.amount_cents for line in lines] == [123400, 1234500]
    assert initiative.cofinancing_cents == 100000


def test_committee_budget_reads_the_same_notation(auth, db, world) -> None:
    auth.login("committee-A1")
    url = f"/committee/wijken/{world['wijk_A1']}/rounds/new"
    data = {"title": "Vast 2027", "kind": "wijktop3", "budget_mode": "fixed",
            "budget_rate": "", "budget_fixed": "€ 1.250.000,50", "min_age_text": ""}
    assert post_form(auth._client, url, data).status_code == 302
    created = db.exec(select(Round).where(Round.title == "Vast 2027")).one()
    assert created.budget_fixed_cents == 125000050
    response = post_form(auth._client, url, {**data, "title": "Te duur",
                                             "budget_fixed": "10.000.000,01"})
    assert response.status_code == 400
    assert "Dit bedrag is te hoog (hoogstens € 10.000.000,00)." in page_text(response)
