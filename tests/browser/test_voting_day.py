"""Voting day in real Chromium on the demo world: residents vote on phones, officials count.

Five residents vote in the demo Wijktop-3 round with fresh stemcodes, the
committee closes voting, one official counts, a second one confirms and
publishes, and anyone sees the result and re-tallies the downloaded ballot
file with the offline tool. The expected winners are computed here from the
ballots cast (3-2-1 points, then greedy funding within the budget), not by the
app.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.db import get_session
from app.demo_codes import demo_round
from app.models import Account
from app.services import accounts, demo, stemcodes
from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("WIJKSTEM_SCREENSHOTS", "/tmp/wijkstem-screenshots"))
ROOT = Path(__file__).resolve().parents[2]

SECOND_OFFICIAL = ("ambtenaar-twee", "tweede-ambtenaar-wachtwoord")

SPEELTUIN, MOESTUIN, BANKJES, JEU, FEEST, BLOEMEN, LICHT, BIEB = (i[0] for i in demo.INITIATIVES)
# Each resident's first, second and third choice. Verlichting (the dearest after the
# speeltuin) wins, and the minibieb no longer fits when its turn comes.
BALLOTS = (
    (LICHT, SPEELTUIN, BANKJES),
    (LICHT, BANKJES, SPEELTUIN),
    (SPEELTUIN, LICHT, BLOEMEN),
    (BANKJES, BIEB, SPEELTUIN),
    (LICHT, BLOEMEN, JEU),
)
# The last resident first picks the same initiative twice.
INVALID = (LICHT, LICHT, BLOEMEN)


def municipal_costs() -> dict[str, int]:
    """Each demo initiative's cost to the municipality in cents: cost lines minus co-financing."""
    return {title: sum(cents for _what, cents in lines) - cofinancing
            for title, _text, _place, lines, cofinancing in demo.INITIATIVES}


def expected_outcome(ballots: tuple[tuple[str, ...], ...], budget: int,
                     costs: dict[str, int]) -> tuple[list[str], list[str], int]:
    """Wijktop-3 by hand: 3-2-1 points, then fund in points order what still fits.

    Returns:
        The funded titles and the skipped ones (chosen but too dear), in points order,
        and the cents left.
    """
    points: dict[str, int] = {}
    for ballot in ballots:
        for place, title in enumerate(ballot):
            points[title] = points.get(title, 0) + 3 - place
    # Equal points would be settled by the seeded lottery; these ballots have none.
    assert len(set(points.values())) == len(points), points
    funded, skipped, left = [], [], budget
    for title in sorted(points, key=points.get, reverse=True):
        if costs[title] <= left:
            funded.append(title)
            left -= costs[title]
        else:
            skipped.append(title)
    return funded, skipped, left


def euros(cents: int) -> str:
    """Cents the way the app shows them in Dutch, e.g. ``"€ 1.234,50"``."""
    return f"€ {cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


def text_of(locator) -> str:
    """Visible text with non-breaking spaces made plain."""
    return locator.inner_text().replace("\u00a0", " ")


def no_sideways_scroll(page, what: str) -> None:
    """The page fits the phone's width (call it once the page's content is there)."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{what} scrolls sideways on a phone ({width} > {inner})"


def set_up(app) -> tuple[int, str, list[str]]:
    """Issues a code per resident and adds a second official; the round's id, title, codes."""
    with app.app_context():
        session = get_session()
        round_ = demo_round(session)
        first = session.exec(select(Account).where(Account.username == "ambtenaar")).one()
        codes = stemcodes.issue_stemcodes(session, round_, len(BALLOTS), first.id)
        accounts.create_account(session, username=SECOND_OFFICIAL[0], name="Tweede Ambtenaar",
                                role="official", password=SECOND_OFFICIAL[1],
                                stadsdeel_id=first.stadsdeel_id)
        return round_.id, round_.title, codes


def vote(browser, base: str, round_id: int, title: str, code: str, ballot: tuple[str, ...],
         invalid: tuple[str, ...] | None = None, screenshot: bool = False) -> None:
    """One resident on a phone: code, ballot (an invalid one first if given), review, cast."""
    phone = browser.new_context(locale="nl-NL", **PHONE)
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    page.goto(f"{base}/ronde/{round_id}")
    page.get_by_role("link", name="Stem nu").click()
    expect(page.get_by_role("heading", name="Stemmen met uw stemcode")).to_be_visible()
    no_sideways_scroll(page, "the code page")
    page.get_by_label("Uw stemcode").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert page.url.endswith("/stemmen/stembiljet")
    for attempt in (invalid, ballot):
        if attempt is None:
            continue
        for place, option in enumerate(attempt, start=1):
            page.get_by_label(f"{place}e keuze").select_option(label=option)
        no_sideways_scroll(page, "the ballot")
        if screenshot and attempt is ballot:
            page.screenshot(path=str(SCREENSHOTS / "voting-ballot-phone.png"), full_page=True)
        page.get_by_role("button", name="Mijn stembiljet controleren").click()
        if attempt is invalid:
            summary = page.get_by_role("alert")
            expect(summary).to_contain_text("Verbeter het volgende")
            expect(summary).to_contain_text(f"U koos {attempt[0]} meer dan eens.")
            no_sideways_scroll(page, "the ballot with its error")
            if screenshot:
                page.screenshot(path=str(SCREENSHOTS / "voting-ballot-error-phone.png"),
                                full_page=True)
    expect(page.get_by_role("heading", name="Controleer uw stem")).to_be_visible()
    review = text_of(page.locator("main"))
    assert all(option in review for option in ballot)
    assert [review.index(o) for o in ballot] == sorted(review.index(o) for o in ballot)
    no_sideways_scroll(page, "the review page")
    page.get_by_role("button", name="Stem uitbrengen").click()
    expect(page.get_by_role("heading", name="Bedankt voor uw stem")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(f"Uw stem in {title} is opgeslagen.")
    no_sideways_scroll(page, "the confirmation")
    phone.close()


def test_residents_vote_officials_count_and_anyone_retallies(demo_server, browser,
                                                             tmp_path: Path) -> None:
    base = demo_server.url
    round_id, title, codes = set_up(demo_server.app)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # 1. Five residents vote on their phones; the last one first makes a mistake.
    for number, (code, ballot) in enumerate(zip(codes, BALLOTS, strict=True), start=1):
        last = number == len(BALLOTS)
        vote(browser, base, round_id, title, code, ballot, invalid=INVALID if last else None,
             screenshot=last)

    # 2. The committee closes voting; one official counts, a second confirms and publishes.
    desk = browser.new_context(locale="nl-NL")
    desk.set_default_timeout(10_000)
    page = desk.new_page()
    log_in(page, base, "commissie", "demo-commissie")
    page.goto(f"{base}/committee/rounds/{round_id}")
    page.locator("#to_phase").select_option("counting")
    page.get_by_role("button", name="Naar de volgende fase").click()
    expect(page.get_by_text("De ronde is nu in de fase: Tellen.")).to_be_visible()
    desk.close()

    first = browser.new_context(locale="nl-NL")
    first.set_default_timeout(10_000)
    page = first.new_page()
    log_in(page, base, "ambtenaar", "demo-ambtenaar")
    page.goto(f"{base}/official/rounds/{round_id}")
    page.get_by_role("link", name="Telling", exact=True).click()
    page.get_by_role("button", name="Stemmen tellen").click()
    expect(page.get_by_text("De stemmen zijn geteld.", exact=False)).to_be_visible()
    main = text_of(page.locator("main"))
    assert "Geteld, wacht op bevestiging door een tweede ambtenaar" in main
    assert page.get_by_role("button", name="Telling bevestigen").count() == 0
    assert ("U hebt deze telling zelf uitgevoerd: een tweede, andere ambtenaar moet hem "
            "bevestigen.") in main
    # Even a hand-made confirmation by the one who counted is refused.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(f"{base}/official/rounds/{round_id}/count/confirm", form={
        "csrf_token": token, "fingerprint": "0" * 64, "checked": "y"})
    assert refused.status == 400
    assert "U hebt deze telling zelf uitgevoerd" in refused.text()
    page.reload()
    expect(page.locator("main")).to_contain_text(
        "Geteld, wacht op bevestiging door een tweede ambtenaar")

    second = browser.new_context(locale="nl-NL")
    second.set_default_timeout(10_000)
    page = second.new_page()
    log_in(page, base, *SECOND_OFFICIAL)
    page.goto(f"{base}/official/rounds/{round_id}/count")
    page.get_by_label("Ik heb deze uitslag gecontroleerd en bevestig hem als tweede "
                      "ambtenaar").check()
    page.get_by_role("button", name="Telling bevestigen").click()
    expect(page.get_by_text("De telling is bevestigd.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Uitslag publiceren").click()
    expect(page.get_by_text("De uitslag is gepubliceerd.")).to_be_visible()
    first.close()
    second.close()

    # 3. Anyone, on a phone, sees the funded initiatives and the remaining budget.
    lindenhof = next(w for w in demo.WIJKEN if w[0] == "Lindenhof")
    budget = lindenhof[2] * 300  # the demo round's rate: EUR 3 per inhabitant
    costs = municipal_costs()
    funded, skipped, left = expected_outcome(BALLOTS, budget, costs)
    assert funded and skipped, "a non-trivial outcome: some chosen initiatives do not fit"

    public = browser.new_context(locale="nl-NL", accept_downloads=True, **PHONE)
    public.set_default_timeout(10_000)
    page = public.new_page()
    page.goto(f"{base}/ronde/{round_id}")
    page.get_by_role("link", name="Bekijk de uitslag").click()
    expect(page.get_by_role("heading", name=f"Uitslag: {title}")).to_be_visible()
    assert page.url.endswith(f"/ronde/{round_id}/uitslag")
    no_sideways_scroll(page, "the results page")
    page.screenshot(path=str(SCREENSHOTS / "voting-results-phone.png"), full_page=True)
    shown = page.locator("h3:text-is('Gefinancierde initiatieven') + ul > li")
    titles = [text_of(item.locator("strong")) for item in shown.all()]
    assert titles == funded
    for item, name in zip(shown.all(), titles, strict=True):
        assert euros(costs[name]) in text_of(item)
    table = page.locator("section.card .table-wrap").first
    assert table.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth"), "table cut off"
    outcomes = {text_of(row.locator("th")): text_of(row.locator("td").last)
                for row in table.locator("tbody tr").all()}
    assert len(outcomes) == len(demo.INITIATIVES)
    assert {t for t, o in outcomes.items() if o == "Gefinancierd"} == set(funded)
    # A skipped initiative says why: what it costs, and what was left at its turn.
    assert {t for t, o in outcomes.items()
            if o.startswith("Past niet meer in het resterende budget")
            and "overgeslagen: het kost € " in o and "toen het aan de beurt was" in o
            } == set(skipped)
    facts = {text_of(dt): text_of(dt.locator("xpath=following-sibling::dd[1]"))
             for dt in page.locator("section.card dl.facts dt").all()}
    assert facts["Budget"] == euros(budget)
    assert facts["Besteed"] == euros(budget - left)
    assert facts["Resterend budget"] == euros(left)
    assert facts["Stembiljetten in deze telling"] == str(len(BALLOTS))

    # 4. The downloads re-tally to the published result, byte for byte.
    files = {}
    for name, link in (("ballots", "Geanonimiseerde stembiljetten"),
                       ("sha256", "SHA-256 van het stembestand"),
                       ("json", "Uitslag als JSON")):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        files[name] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[name])
    assert files["ballots"].suffix == ".pb"
    command = text_of(page.locator("code", has_text="wijkstem tally"))
    found = re.fullmatch(r"wijkstem tally (\S+) --rule (\S+) --seed (\S+) --json", command)
    assert found and found[1] == files["ballots"].name, command
    rule, seed = found[2], found[3]
    assert rule == "points"  # Wijktop-3: 3-2-1 points, then funding in that order
    published = files["json"].read_bytes()
    assert str(json.loads(published)["parameters"]["seed"]) == seed
    tallied = subprocess.run(
        [sys.executable, "-m", "voting.cli", "tally", str(files["ballots"]), "--rule", rule,
         "--seed", seed, "--json"], capture_output=True, cwd=ROOT, timeout=60, check=True)
    assert tallied.stdout == published
    digest = hashlib.sha256(files["ballots"].read_bytes()).hexdigest()
    assert files["sha256"].read_text() == f"{digest}  {files['ballots'].name}\n"
    assert digest in text_of(page.locator("main"))
    public.close()
