"""Residents' area: browsing rounds and initiatives, and submitting an initiative."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import AuditEvent, CostLine, Initiative, Initiator
from tests.app.conftest import page_text, post_form, snapshot

pytestmark = pytest.mark.sqlite_only


def submission(**overrides: str) -> dict[str, str]:
    """A valid initiative form: two cost lines, co-financing, two initiators."""
    data = {
        "title": "Bankjes op het plein", "description": "Drie bankjes bij de speeltuin.",
        "location": "Dorpsplein",
        "cost_lines-0-description": "Drie bankjes", "cost_lines-0-amount": "1.234,56",
        "cost_lines-1-description": "Plaatsen", "cost_lines-1-amount": "80",
        "cofinancing": "100,00",
        "initiators-0-name": "Anna Jansen", "initiators-0-email": "anna@example.org",
        "initiators-1-name": "Bram de Vries", "initiators-1-phone": "06 1234 5678",
        "submit": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_wijken_page_lists_wijken_with_links(client, world) -> None:
    page = page_text(client.get("/wijken"))
    assert "Stadsdeel A" in page and "Wijk B1" in page
    assert f'href="/wijk/{world["wijk_A1"]}"' in page


def test_wijk_shows_its_public_rounds_but_no_drafts(client, world) -> None:
    assert "Wijktop-3 A1" in page_text(client.get(f"/wijk/{world['wijk_A1']}"))
    assert "Wijkstemdag B1" not in page_text(client.get(f"/wijk/{world['wijk_B1']}"))
    assert client.get(f"/ronde/{world['round_B1']}").status_code == 404
    assert client.get("/wijk/999999").status_code == 404


def test_round_page_shows_budget_and_initiatives(client, world) -> None:
    page = page_text(client.get(f"/ronde/{world['round_A1']}"))
    # Wijk A1 has 1,000 inhabitants at EUR 3 each.
    assert "€ 3.000,00" in page
    assert "Speeltuin A1" in page and "€ 2.500,00" in page
    assert "Dien een initiatief in" in page


def test_search_and_status_filter(client, world, db) -> None:
    db.add(Initiative(round_id=world["round_A1"], title="Bloembakken",
                      description="Groen in de straat 100%", status="admitted"))
    db.commit()
    url = f"/ronde/{world['round_A1']}"
    page = page_text(client.get(url, query_string={"q": "SCHOMMEL"}))
    assert "Speeltuin A1" in page and "Bloembakken" not in page
    page = page_text(client.get(url, query_string={"status": "admitted"}))
    assert "Bloembakken" in page and "Speeltuin A1" not in page
    # % and _ are searched for literally, not as wildcards.
    page = page_text(client.get(url, query_string={"q": "100%"}))
    assert "Bloembakken" in page and "Speeltuin A1" not in page
    assert "Speeltuin A1" not in page_text(client.get(url, query_string={"q": "%"}))
    assert client.get(url, query_string={"status": "bogus"}).status_code == 400


def test_public_pages_never_show_initiators(client, world) -> None:
    pages = [f"/ronde/{world['round_A1']}", f"/initiatief/{world['initiative_A1']}",
             f"/initiatief/{world['initiative_A1']}/ontvangen"]
    for url in pages:
        page = page_text(client.get(url))
        assert "init1@example.org" not in page and "0612345678" not in page
        assert "Initiatiefnemer 1" not in page


def test_submit_stores_costs_in_cents_cofinancing_and_initiators(app, client, world, db) -> None:
    url = f"/ronde/{world['round_A1']}/indienen"
    response = post_form(client, url, submission())
    assert response.status_code == 302
    initiative = db.exec(select(Initiative).where(Initiative.title == "Bankjes op het plein")).one()
    assert response.headers["Location"] == f"/initiatief/{initiative.id}/ontvangen"
    assert initiative.status == "submitted" and initiative.cofinancing_cents == 10000
    lines = db.exec(select(CostLine).where(CostLine.initiative_id == initiative.id)
                    .order_by(CostLine.id)).all()
    assert [(line.description, line.amount_cents) for line in lines] == [
        ("Drie bankjes", 123456), ("Plaatsen", 8000)]
    people = db.exec(select(Initiator).where(Initiator.initiative_id == initiative.id)).all()
    assert {(p.name, p.email, p.phone) for p in people} == {
        ("Anna Jansen", "anna@example.org", ""), ("Bram de Vries", "", "06 1234 5678")}
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "initiative.submitted")).one()
    assert event.details["total_cents"] == 131456 and "anna" not in str(event.details)
    page = page_text(client.get(response.headers["Location"]))
    assert "Bankjes op het plein" in page and "€ 1.314,56" in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"initiators-1-name": "", "initiators-1-phone": ""}, "minstens twee initiatiefnemers"),
    ({"initiators-1-phone": ""}, "Geef een e-mailadres of een telefoonnummer."),
    ({"cofinancing": "5000"}, "De cofinanciering kan niet hoger zijn dan de totale kosten."),
    ({"cost_lines-0-amount": "-10"}, "Een bedrag kan niet negatief zijn."),
    ({"cost_lines-0-amount": "0"}, "Een bedrag moet meer dan € 0 zijn."),
    ({"cost_lines-0-amount": "1.000.000,01"}, "Dit bedrag is te hoog"),
    ({"cost_lines-0-amount": "12,3456"}, "hoogstens twee cijfers achter de komma"),
    # A single mark before exactly three digits groups thousands: 999.999 is 999999 euros.
    ({"cost_lines-0-amount": "999.999", "cost_lines-1-amount": "999.999,00"},
     "De totale kosten mogen hoogstens € 1.000.000 zijn."),
    ({"cost_lines-0-amount": "999.999,00", "cost_lines-1-amount": "999.999,00"},
     "De totale kosten mogen hoogstens € 1.000.000 zijn."),
    ({"cost_lines-0-amount": "", "cost_lines-1-amount": "", "cost_lines-0-description": "",
      "cost_lines-1-description": ""}, "Geef minstens één kostenregel."),
    ({"cost_lines-1-amount": ""}, "Geef het bedrag."),
    ({"initiators-0-email": "anna-at-example"}, "Dit is geen e-mailadres."),
])
def test_bad_initiative_is_refused_in_dutch_and_stores_nothing(app, client, world, overrides,
                                                               message) -> None:
    before = snapshot(app)
    response = post_form(client, f"/ronde/{world['round_A1']}/indienen", submission(**overrides))
    assert response.status_code == 400
    assert message in page_text(response)
    assert snapshot(app) == before


def test_submission_is_closed_outside_the_submission_phase(app, client, world) -> None:
    url = f"/ronde/{world['round_A2']}/indienen"
    assert "alleen worden ingediend" in page_text(client.get(url))
    before = snapshot(app)
    token_page = f"/ronde/{world['round_A1']}/indienen"
    response = post_form(client, url, submission(), form_url=token_page)
    assert response.status_code == 400
    assert "alleen worden ingediend" in page_text(response)
    assert snapshot(app) == before


def test_add_line_button_shows_another_row_and_saves_nothing(app, client, world) -> None:
    url = f"/ronde/{world['round_A1']}/indienen"
    rows = page_text(client.get(url)).count('name="cost_lines-')
    before = snapshot(app)
    response = post_form(client, url, {"title": "Half af", "add_line": "1"})
    assert response.status_code == 200
    assert page_text(response).count('name="cost_lines-') == rows + 2  # description + amount
    assert 'value="Half af"' in page_text(response)
    assert snapshot(app) == before


def test_decision_reason_is_public_after_review(client, world, db) -> None:
    from app.models import Review

    initiative = db.get(Initiative, world["initiative_A1"])
    initiative.status = "not_admitted"
    db.add(Review(initiative_id=initiative.id, decision="not_admitted", decision_level="team",
                  reason="Structurele kosten horen niet in dit budget."))
    db.add(initiative)
    db.commit()
    page = page_text(client.get(f"/initiatief/{initiative.id}"))
    assert "Niet toegelaten" in page and "Structurele kosten horen niet in dit budget." in page
    assert "kan niet meer worden gesteund" in page
