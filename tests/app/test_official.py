"""Official area: reviewing initiatives, decision levels, the ballot, and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app import create_app
from app.db import EXTENSION
from app.models import AuditEvent, Initiative, Review
from app.services import reviews
from tests.app.conftest import TEST_CONFIG, AuthActions, page_text, post_form, snapshot

pytestmark = pytest.mark.sqlite_only

ADMIT = {"support_shown": "y", "fits_needs": "y", "legitimacy": "4", "involvement": "5",
         "return_value": "3", "legitimacy_note": "Veel buren doen mee.", "decision": "admitted",
         "reason": "Past goed bij wat de wijk nodig heeft."}


def events(response) -> str:
    """The rows of the audit table (the filter menus also name every action)."""
    page = page_text(response)
    return page[page.index("<tbody>"):page.index("</tbody>")]


def review_url(world: dict[str, int]) -> str:
    """The review form of the seeded initiative (EUR 2,500 in wijk A1, stadsdeel A)."""
    return f"/official/initiatives/{world['initiative_A1']}/review"


@pytest.mark.parametrize(("cents", "level"), [
    (0, "team"), (10_000_00, "team"), (10_000_01, "alderman"), (50_000_00, "alderman"),
    (50_000_01, "college"), (1_000_000_00, "college"),
])
def test_decision_level_follows_zutphen_thresholds(cents: int, level: str) -> None:
    assert reviews.decision_level(cents) == level


def test_decision_level_thresholds_are_configurable() -> None:
    thresholds = (("team", 500_00), ("alderman", 1000_00))
    assert reviews.decision_level(500_01, thresholds) == "alderman"
    assert reviews.decision_level(1000_01, thresholds) == "college"


def test_requested_amount_leaves_out_cofinancing() -> None:
    assert reviews.requested_cents(12_000_00, 3_000_00) == 9_000_00
    assert reviews.decision_level(reviews.requested_cents(12_000_00, 3_000_00)) == "team"


def test_official_sees_initiators_and_decision_level(client, auth, world) -> None:
    auth.login("official-A")
    page = page_text(client.get(f"/official/initiatives/{world['initiative_A1']}"))
    assert "init1@example.org" in page and "Initiatiefnemer 2" in page
    assert "Bewoners, ambtenaar en teamleider" in page and "€ 2.500,00" in page


def test_decision_level_uses_the_app_config(database, world) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "DECISION_LEVEL_THRESHOLDS": (("team", 1000_00), ("alderman", 2000_00))})
    try:
        client = app.test_client()
        AuthActions(client).login("official-A")
        page = page_text(client.get(f"/official/initiatives/{world['initiative_A1']}"))
        assert "Het college van burgemeester en wethouders" in page
    finally:
        app.extensions[EXTENSION].dispose()


def test_admitting_puts_the_initiative_on_the_ballot_and_logs_it(client, auth, world, db) -> None:
    auth.login("official-A")
    response = post_form(client, review_url(world), ADMIT)
    assert response.status_code == 302
    initiative = db.get(Initiative, world["initiative_A1"])
    assert initiative.status == "admitted"
    assert [i.id for i in reviews.ballot_options(db, world["round_A1"])] == [initiative.id]
    review = db.exec(select(Review)).one()
    assert (review.support_shown, review.stakeholders_consulted, review.fits_needs) == (
        True, False, True)
    assert (review.legitimacy, review.involvement, review.return_value) == (4, 5, 3)
    assert review.decision_level == "team" and review.reviewer_id == world["account_official-A"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "review.decision")).one()
    assert event.actor_id == world["account_official-A"]
    assert event.details["to"] == "admitted" and event.details["from"] == "submitted"
    assert event.round_id == world["round_A1"] and event.wijk_id == world["wijk_A1"]
    page = page_text(client.get(f"/initiatief/{initiative.id}"))
    assert "Past goed bij wat de wijk nodig heeft." in page and "Toegelaten" in page


def test_a_later_review_changes_the_decision(client, auth, world, db) -> None:
    auth.login("admin")
    post_form(client, review_url(world), ADMIT)
    post_form(client, review_url(world), {**ADMIT, "decision": "not_admitted",
                                          "reason": "Toch structurele kosten."})
    assert db.get(Initiative, world["initiative_A1"]).status == "not_admitted"
    assert reviews.ballot_options(db, world["round_A1"]) == []
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "review.decision")).all()
    assert len(events) == 2


@pytest.mark.parametrize(("data", "message"), [
    ({**ADMIT, "reason": ""}, "Dit veld is vereist."),
    ({**ADMIT, "reason": "   "}, "Dit veld is vereist."),
    ({**ADMIT, "decision": ""}, "Besluit"),
    ({**ADMIT, "decision": "maybe"}, "Ongeldige keuze"),
    ({**ADMIT, "legitimacy": "9"}, "Ongeldige keuze"),
    ({**ADMIT, "legitimacy": "x"}, "Legitimiteit"),
    ({**ADMIT, "reason": "<script>alert(1)</script>"}, "HTML-tags"),
    ({**ADMIT, "reason": "x" * 4001}, "Reden"),
])
def test_bad_review_is_refused_and_changes_nothing(app, client, auth, world, data,
                                                   message) -> None:
    auth.login("official-A")
    before = snapshot(app)
    response = post_form(client, review_url(world), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert snapshot(app) == before


def test_no_review_once_voting_started(app, client, auth, world, db) -> None:
    initiative = Initiative(round_id=world["round_A2"], title="Laat", description="x")
    db.add(initiative)
    db.commit()
    auth.login("official-A")
    before = snapshot(app)
    response = post_form(client, f"/official/initiatives/{initiative.id}/review", ADMIT)
    assert response.status_code == 400
    assert "alleen worden beoordeeld" in page_text(response)
    assert snapshot(app) == before


def test_index_lists_rounds_of_the_own_stadsdeel(client, auth, world) -> None:
    auth.login("official-A")
    page = page_text(client.get("/official/"))
    assert "Wijktop-3 A1" in page and "Speeltuin A1" in page
    # In voting the official still has work (stemcodes, paper ballots, the count) and
    # must reach the round from the index.
    assert "Wijktop-3 A2" in page
    assert f'href="/official/rounds/{world["round_A2"]}"' in page
    auth.logout()
    auth.login("official-B")
    assert "Wijktop-3 A1" not in page_text(client.get("/official/"))


def test_audit_log_filters_by_action_round_and_date(client, auth, world) -> None:
    auth.login("official-A")
    post_form(client, review_url(world), ADMIT)
    page = events(client.get("/official/audit"))
    assert "review.decision" in page and "round.phase" in page
    page = events(client.get("/official/audit", query_string={"action": "review"}))
    assert "review.decision" in page and "round.phase" not in page
    page = events(client.get("/official/audit", query_string={"round": world["round_A2"]}))
    assert "round.phase" in page and "review.decision" not in page
    today = date.today()
    assert "round.created" in events(client.get("/official/audit", query_string={
        # A day of margin either side: the log is kept in UTC, the filter is in local days.
        "since": (today - timedelta(days=1)).isoformat(),
        "until": (today + timedelta(days=1)).isoformat()}))
    for bounds in ({"until": (today - timedelta(days=2)).isoformat()},
                   {"since": (today + timedelta(days=2)).isoformat()}):
        assert "Geen gebeurtenissen" in events(client.get("/official/audit",
                                                          query_string=bounds))


def test_audit_log_shows_only_the_own_stadsdeel(client, auth, world) -> None:
    auth.login("official-B")
    page = events(client.get("/official/audit"))
    assert "Wijk B1" in page and "Wijk A1" not in page and "Wijk A2" not in page
    # A round of another stadsdeel is not even a choice in the filter.
    assert client.get("/official/audit",
                      query_string={"round": world["round_A1"]}).status_code == 400
    auth.logout()
    auth.login("admin")
    page = events(client.get("/official/audit"))
    assert "Wijk A1" in page and "Wijk B1" in page


@pytest.mark.parametrize("query", [{"since": "gisteren"}, {"until": "2026-13-45"},
                                   {"round": "abc"}, {"action": "<script>"}])
def test_bad_audit_filters_are_a_400_in_dutch(client, auth, query) -> None:
    auth.login("official-A")
    response = client.get("/official/audit", query_string=query)
    assert response.status_code == 400
    assert "Verbeter het volgende" in page_text(response)
