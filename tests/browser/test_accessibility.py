"""Accessibility: every kind of page passes axe-core's WCAG 2.1 A and AA checks in Chromium.

Residents vote on their phones and must be able to do so with a screen reader, a
keyboard or poor eyesight (WCAG 2.1 AA, DESIGN.md). axe-core (bundled with
``axe-playwright-python``) runs in the rendered page, so it judges what a browser
shows: contrast of the CSS as applied, names of form controls, landmarks, the
language of the page. It finds what a machine can find (about half of WCAG); the
browser tests of the voting day cover keyboard-free flows on a phone.

Pages are scanned on the demo world with content in every state: the code page
with a wrong code, each kind of ballot (ranking; approval with a yes/no question)
blank, with errors and for review, the confirmation, published results with
charts (Wijktop-3 and wijkstemdag), and the pages of committee, officials and
administrator. A page with a known fault must fail the same check, so a
silently broken scan cannot pass.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.db import EXTENSION
from app.demo_codes import demo_round
from app.models import Account, Ballot, CostLine, Initiative, Round, Stembureau, Wijk
from app.services import accounts, counting, rounds, stemcodes
from app.services.ballots import encode_answers
from tests.browser.pages import PHONE, log_in

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
LOGINS = {"commissie": "demo-commissie", "commissie-haven": "demo-commissie",
          "ambtenaar": "demo-ambtenaar", "admin": "demo-admin"}
SECOND_OFFICIAL = ("ambtenaar-twee", "tweede-ambtenaar-wachtwoord")
INITIATIVES = (("Moestuin", 400_000), ("Speelplek", 900_000), ("Kunstbank", 250_000),
               ("Zwerfvuilactie", 60_000))
AXE = Axe()
MISSING = "/bestaat-niet"  # the 404 page


def problems(page: Page, what: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one readable line each."""
    found = AXE.run(page, options=WCAG_21_AA).response
    assert found["passes"], f"{what}: axe checked nothing"  # it ran on a real page
    return [f"{what}: {v['id']} ({v['impact']}) {v['help']}: "
            f"{', '.join(str(n['target']) for n in v['nodes'][:5])}" for v in found["violations"]]


def scan(page: Page, base: str, paths: list[str]) -> list[str]:
    """Visits each path and collects the violations of every page."""
    found: list[str] = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None, path
        assert response.status == (404 if path == MISSING else 200), (path, response.status)
        assert page.url == base + path, f"{path} led to {page.url}"  # no login, no redirect
        found += problems(page, path)
    return found


def wijkstemdag_in_voting(session: Session, wijk: Wijk, title: str) -> Round:
    """A wijkstemdag round voting today: an approval question (MES), a yes/no question,
    four admitted initiatives and a stembureau."""
    today = date.today()
    round_ = rounds.create_round(session, wijk.id, {
        "title": title, "kind": "wijkstemdag", "budget_rate_cents": None,
        "budget_fixed_cents": 1_000_000, "voting_start": today, "voting_end": today})
    rounds.save_question(session, round_, {"kind": "approval", "max_choices": 2, "rule": "mes",
                                           "text": "Welke initiatieven steunt u?"})
    rounds.save_question(session, round_, {"kind": "yesno", "rule": "majority",
                                           "text": "Moet de markt op zaterdag blijven?"})
    rounds.save_stembureau(session, round_, {"name": "Wijkcentrum", "address": "Plein 1",
                                             "opening_hours": "08:00-20:00"})
    return to_voting(session, round_)


def to_voting(session: Session, round_: Round) -> Round:
    """Takes a draft round with four admitted initiatives to its voting phase."""
    rounds.advance_phase(session, round_, "submission")
    for name, cost in INITIATIVES:
        initiative = Initiative(round_id=round_.id, title=name, description=f"{name} in de wijk.",
                                status="admitted", cofinancing_cents=0)
        session.add(initiative)
        session.flush()
        session.add(CostLine(initiative_id=initiative.id, description="Kosten",
                             amount_cents=cost))
    session.commit()
    for phase in ("review", "voting"):
        rounds.advance_phase(session, round_, phase)
    return round_


def option_ids(session: Session, round_: Round) -> list[int]:
    """The round's initiatives' ids, in order."""
    return list(session.exec(select(Initiative.id).where(Initiative.round_id == round_.id)
                             .order_by(Initiative.id)))


def publish_with_ballots(session: Session, round_: Round, answers: list[dict[int, Any]],
                         first: int, second: int) -> None:
    """Stores the ballots, closes voting, counts, confirms (four eyes) and publishes."""
    session.add_all(Ballot(round_id=round_.id, channel="online", answers=encode_answers(a))
                    for a in answers)
    session.commit()
    rounds.advance_phase(session, round_, "counting")
    made = counting.run_count(session, round_, first)
    counting.confirm_count(session, round_, second, counting.fingerprint(made))
    counting.publish(session, round_, first)


@pytest.fixture(scope="module")
def world(demo_server) -> dict[str, Any]:
    """The demo world plus a wijkstemdag in voting, two published rounds and stemcodes."""
    with demo_server.app.app_context(), Session(demo_server.app.extensions[EXTENSION]) as session:
        first = session.exec(select(Account).where(Account.username == "ambtenaar")).one()
        second = accounts.create_account(
            session, username=SECOND_OFFICIAL[0], name="Tweede Ambtenaar", role="official",
            password=SECOND_OFFICIAL[1], stadsdeel_id=first.stadsdeel_id).id
        wijken = session.exec(select(Wijk).order_by(Wijk.id)).all()
        wijktop3 = demo_round(session)
        voting_day = wijkstemdag_in_voting(session, wijken[1], "Wijkstemdag Molenwijk")
        ids = {"wijktop3": wijktop3.id, "wijkstemdag": voting_day.id, "wijk": wijken[1].id,
               "submission": session.exec(select(Round).where(
                   Round.phase == "submission")).first().id,
               "initiative": session.exec(select(Initiative).where(
                   Initiative.round_id == wijktop3.id)).first().id,
               "stembureau": session.exec(select(Stembureau).where(
                   Stembureau.round_id == voting_day.id)).one().id,
               "codes_wijktop3": stemcodes.issue_stemcodes(session, wijktop3, 2, first.id),
               "codes_wijkstemdag": stemcodes.issue_stemcodes(session, voting_day, 1, first.id)}

        published = wijkstemdag_in_voting(session, wijken[2], "Wijkstemdag Havenkwartier 2")
        approval, yes_no = rounds.questions(session, published.id)
        options = option_ids(session, published)
        publish_with_ballots(session, published, [
            {approval.id: sorted(options[i:i + 2]), yes_no.id: "yes" if i else "no"}
            for i in (0, 1, 2, 1, 0, 1)], first.id, second)
        ids["published_wijkstemdag"] = published.id

        ranked = to_voting(session, rounds.create_round(session, wijken[1].id, {
            "title": "Wijktop-3 Molenwijk", "kind": "wijktop3", "budget_rate_cents": 300,
            "voting_start": date.today(), "voting_end": date.today()}))
        question, options = rounds.questions(session, ranked.id)[0], option_ids(session, ranked)
        publish_with_ballots(session, ranked, [
            {question.id: [options[a], options[b], options[c]]}
            for a, b, c in ((0, 1, 2), (1, 0, 3), (3, 2, 1), (0, 3, 1), (2, 0, 1))],
            first.id, second)
        ids["published_wijktop3"] = ranked.id
    return ids


def test_a_page_with_known_faults_fails_the_scan(browser) -> None:
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><input type="text">'
                     '<p style="color:#bbb;background:#fff">Lichtgrijs</p></body></html>')
    found = " ".join(problems(page, "faulty"))
    for rule in ("image-alt", "label", "color-contrast", "html-has-lang", "document-title"):
        assert rule in found
    page.close()


def test_public_pages_pass_wcag_21_aa(demo_server, browser, world) -> None:
    phone = browser.new_context(locale="nl-NL", **PHONE)
    page = phone.new_page()
    found = scan(page, demo_server.url, [
        "/", "/wijken", f"/wijk/{world['wijk']}", f"/ronde/{world['wijktop3']}",
        f"/ronde/{world['submission']}", f"/ronde/{world['submission']}/indienen",
        f"/initiatief/{world['initiative']}", f"/initiatief/{world['initiative']}/steun",
        f"/ronde/{world['wijktop3']}/uitslag",  # not known yet
        f"/ronde/{world['published_wijktop3']}/uitslag",
        f"/ronde/{world['published_wijkstemdag']}/uitslag",
        "/auth/login", MISSING])
    for published in ("published_wijktop3", "published_wijkstemdag"):  # charts were scanned
        page.goto(f"{demo_server.url}/ronde/{world[published]}/uitslag")
        expect(page.locator("svg[role=img]").first).to_be_visible()
    # A form sent back with its errors.
    page.goto(f"{demo_server.url}/ronde/{world['submission']}/indienen")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error").first).to_be_visible()
    found += problems(page, "initiative form with errors")
    phone.close()
    assert found == []


def test_voting_pages_pass_wcag_21_aa(demo_server, browser, world) -> None:
    base, found = demo_server.url, []
    phone = browser.new_context(locale="nl-NL", **PHONE)
    page = phone.new_page()
    page.goto(f"{base}/stemmen")
    found += problems(page, "code page")
    page.get_by_label("Uw stemcode").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found += problems(page, "code page with a wrong code")

    # Wijktop-3: a ranking; the same initiative twice first.
    page.goto(f"{base}/stemmen?code={world['codes_wijktop3'][0]}")
    found += problems(page, "ranked ballot")
    labels = page.get_by_label("1e keuze").locator("option").all_inner_texts()[1:]
    for place, option in ((1, labels[0]), (2, labels[0]), (3, labels[1])):
        page.get_by_label(f"{place}e keuze").select_option(label=option)
    page.get_by_role("button", name="Mijn stembiljet controleren").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found += problems(page, "ranked ballot with an error")
    page.get_by_label("2e keuze").select_option(label=labels[2])
    page.get_by_role("button", name="Mijn stembiljet controleren").click()
    expect(page.get_by_role("heading", name="Controleer uw stem")).to_be_visible()
    found += problems(page, "review")
    page.get_by_role("button", name="Stem uitbrengen").click()
    expect(page.get_by_role("heading", name="Bedankt voor uw stem")).to_be_visible()
    found += problems(page, "confirmation")
    page.goto(f"{base}/stemmen?code={world['codes_wijktop3'][0]}")
    found += problems(page, "a used code")

    # Wijkstemdag: approval with a yes/no question, too many choices first.
    page.goto(f"{base}/stemmen?code={world['codes_wijkstemdag'][0]}")
    found += problems(page, "approval and yes/no ballot")
    for name in ("Moestuin", "Speelplek", "Kunstbank"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Mijn stembiljet controleren").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found += problems(page, "approval ballot with an error")
    phone.close()

    # The ballot in English: the page's language changes with it.
    english = browser.new_context(locale="en-GB", **PHONE)
    page = english.new_page()
    page.goto(f"{base}/stemmen?code={world['codes_wijktop3'][1]}")
    page.locator("#lang").select_option("en")
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    found += problems(page, "ranked ballot in English")
    english.close()
    assert found == []


@pytest.mark.parametrize("username", sorted(LOGINS))
def test_staff_pages_pass_wcag_21_aa(demo_server, browser, world, username: str) -> None:
    wijktop3, wijkstemdag, done = (world["wijktop3"], world["wijkstemdag"],
                                   world["published_wijktop3"])
    paths = {
        "commissie": ["/committee/", f"/committee/rounds/{wijktop3}",
                      f"/rounds/{wijktop3}/opkomst"],
        "commissie-haven": [f"/committee/rounds/{world['submission']}",
                            f"/committee/rounds/{world['submission']}/edit",
                            f"/committee/rounds/{world['submission']}/questions/new",
                            f"/committee/rounds/{world['submission']}/stembureaus/new"],
        "ambtenaar": ["/official/", f"/official/rounds/{wijktop3}",
                      f"/official/initiatives/{world['initiative']}",
                      f"/official/initiatives/{world['initiative']}/review",
                      f"/official/rounds/{wijktop3}/stemcodes",
                      f"/official/rounds/{done}/count", f"/official/rounds/{wijkstemdag}/papier",
                      f"/official/stembureaus/{world['stembureau']}/papier",
                      f"/official/stembureaus/{world['stembureau']}/papier/intrekken",
                      f"/rounds/{wijkstemdag}/opkomst", "/official/audit", "/official/outbox"],
        "admin": ["/admin/", "/admin/stadsdelen", "/admin/wijken/new", "/admin/wijken/import",
                  "/admin/accounts/new"],
    }[username]
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    log_in(page, demo_server.url, username, LOGINS[username])
    found = scan(page, demo_server.url, paths)
    context.close()
    assert found == []
