"""A round from set-up to ballot in real Chromium: committee, resident on a phone, official."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.app.conftest import PASSWORD
from tests.browser.pages import PHONE

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("WIJKSTEM_SCREENSHOTS", "/tmp/wijkstem-screenshots"))


def log_in(page, base: str, username: str) -> None:
    """Logs in through the login form."""
    page.goto(f"{base}/auth/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_committee_sets_up_resident_submits_official_admits(live_server, browser) -> None:
    base, world = live_server.url, live_server.world

    # The committee of wijk A1 (1,000 inhabitants) creates a Wijktop-3 round at EUR 3 each.
    committee = browser.new_context(locale="nl-NL")
    committee.set_default_timeout(10_000)
    page = committee.new_page()
    log_in(page, base, "committee-A1")
    page.goto(f"{base}/committee/wijken/{world['wijk_A1']}/rounds/new")
    page.get_by_label("Titel").fill("Wijktop-3 A1 2027")
    page.get_by_label("Wijktop-3").check()
    page.get_by_label("Een bedrag per inwoner").check()
    page.get_by_label("Bedrag per inwoner (EUR)").fill("3")
    page.get_by_role("button", name="Opslaan").click()
    assert page.locator("#budget").inner_text().replace("\u00a0", " ") == "€ 3.000,00"
    round_id = int(re.search(r"/rounds/(\d+)", page.url).group(1))
    page.locator("#to_phase").select_option("submission")
    page.get_by_role("button", name="Naar de volgende fase").click()
    committee.close()

    # A resident on a phone finds the round and submits an initiative.
    phone = browser.new_context(locale="nl-NL", **PHONE)
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    page.goto(f"{base}/wijk/{world['wijk_A1']}")
    page.get_by_role("link", name="Wijktop-3 A1 2027").click()
    page.get_by_role("link", name="Dien een initiatief in").first.click()
    assert page.url.endswith(f"/ronde/{round_id}/indienen")
    page.get_by_label("Titel").fill("Moestuin bij de school")
    page.get_by_label("Beschrijving").fill("Een moestuin waar kinderen en buren samen werken.")
    page.get_by_label("Plek").fill("Schoolplein")
    page.locator("#cost_lines-0-description").fill("Plantenbakken")
    page.locator("#cost_lines-0-amount").fill("1.234,50")
    page.locator("#cost_lines-1-description").fill("Zaden en gereedschap")
    page.locator("#cost_lines-1-amount").fill("265,50")
    page.locator("#initiators-0-name").fill("Fatima El Amrani")
    page.locator("#initiators-0-email").fill("fatima@example.org")
    page.locator("#initiators-1-name").fill("Kees Bakker")
    page.locator("#initiators-1-phone").fill("06 9876 5432")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "resident-submit-phone.png"), full_page=True)
    page.get_by_role("button", name="Initiatief indienen").last.click()
    assert page.get_by_role("heading", name="Dank u: uw initiatief is ontvangen").is_visible()
    assert "€ 1.500,00" in page.locator("main").inner_text().replace("\u00a0", " ")
    page.screenshot(path=str(SCREENSHOTS / "resident-received-phone.png"), full_page=True)
    for path in (f"/ronde/{round_id}", page.url.removesuffix("/ontvangen")):
        page.goto(base + path if path.startswith("/") else path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} must not scroll sideways on a phone"
    page.screenshot(path=str(SCREENSHOTS / "resident-initiative-phone.png"), full_page=True)
    phone.close()

    # An official of stadsdeel A admits it; it then shows as admitted to everyone.
    official = browser.new_context(locale="nl-NL")
    official.set_default_timeout(10_000)
    page = official.new_page()
    log_in(page, base, "official-A")
    page.goto(f"{base}/official/")
    page.get_by_role("link", name="Moestuin bij de school").click()
    assert "fatima@example.org" in page.content()
    page.get_by_role("link", name="Beoordeel dit initiatief").click()
    page.get_by_label("Draagvlak in de wijk, en meer dan één bewoner betrokken").check()
    page.get_by_label("Past bij wat de wijk nodig heeft").check()
    page.get_by_label("Legitimiteit", exact=True).select_option("4")
    page.get_by_label("Toegelaten: op het stembiljet").check()
    page.get_by_label("Reden (de initiatiefnemers en iedereen kunnen dit lezen)").fill(
        "Brengt buren samen; eenmalige kosten.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    assert page.get_by_text("Het besluit is vastgelegd.").is_visible()
    page.goto(f"{base}/ronde/{round_id}?status=admitted")
    assert page.get_by_role("link", name="Moestuin bij de school").is_visible()
    official.close()
