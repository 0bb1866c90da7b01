"""Committee area: rounds of the own wijk, budget, questions, stembureaus, forward-only phases."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import AuditEvent, Question, Round, Stembureau
from tests.app.conftest import page_text, post_form, snapshot

ROUND = {"title": "Wijktop-3 2027", "kind": "wijktop3", "budget_mode": "rate",
         "budget_rate": "3", "budget_fixed": "", "submission_start": "2027-01-01",
         "review_start": "2027-02-01", "voting_start": "2027-03-01",
         "voting_end": "2027-03-14", "counting_start": "2027-03-15",
         "min_age_text": "Vanaf 12 jaar"}


@pytest.fixture
def committee(auth):
    """The client logged in as the committee of wijk A1."""
    auth.login("committee-A1")
    return auth._client


def fresh(db, model, object_id):
    """A row read anew from the database."""
    db.expire_all()
    return db.get(model, object_id)


def test_committee_creates_a_wijktop3_round_and_sees_the_budget(committee, db, world) -> None:
    response = post_form(committee, f"/committee/wijken/{world['wijk_A1']}/rounds/new", ROUND)
    assert response.status_code == 302
    page = page_text(committee.get(response.headers["Location"]))
    # Wijk A1 has 1,000 inhabitants: EUR 3 x 1,000 = EUR 3,000.
    assert "€ 3.000,00" in page
    created = db.exec(select(Round).where(Round.title == "Wijktop-3 2027")).one()
    assert (created.budget_rate_cents, created.budget_fixed_cents) == (300, None)
    questions = db.exec(select(Question).where(Question.round_id == created.id)).all()
    assert [(q.kind, q.max_choices, q.rule) for q in questions] == [("ranked", 3, "points")]
    assert db.exec(select(AuditEvent).where(AuditEvent.round_id == created.id,
                                            AuditEvent.action == "round.created")).one()


def test_fixed_budget_and_cents(committee, db, world) -> None:
    data = {**ROUND, "title": "Vast", "budget_mode": "fixed", "budget_fixed": "12500,50"}
    response = post_form(committee, f"/committee/wijken/{world['wijk_A1']}/rounds/new", data)
    assert response.status_code == 302
    assert "€ 12.500,50" in page_text(committee.get(response.headers["Location"]))
    created = db.exec(select(Round).where(Round.title == "Vast")).one()
    assert (created.budget_rate_cents, created.budget_fixed_cents) == (None, 1_250_050)


def test_budget_is_shown_in_english_too(committee, world) -> None:
    post_form(committee, "/auth/language", {"lang": "en", "next": "/"}, form_url="/")
    page = page_text(committee.get(f"/committee/rounds/{world['round_A1']}"))
    assert "€3,000.00" in page and "inhabitants" in page


def test_committee_edits_its_round(committee, db, world) -> None:
    url = f"/committee/rounds/{world['round_A1']}/edit"
    assert 'value="3,00"' in page_text(committee.get(url))
    response = post_form(committee, url, {**ROUND, "title": "Nieuwe titel", "budget_rate": "2,5"})
    assert response.status_code == 302
    changed = fresh(db, Round, world["round_A1"])
    assert (changed.title, changed.budget_rate_cents) == ("Nieuwe titel", 250)


def test_committee_of_another_wijk_is_refused(auth, client, app, world) -> None:
    auth.login("committee-A2")
    before = snapshot(app)
    assert client.get(f"/committee/rounds/{world['round_A1']}").status_code == 403
    assert client.get(f"/committee/wijken/{world['wijk_A1']}/rounds/new").status_code == 403
    response = post_form(client, f"/committee/wijken/{world['wijk_A1']}/rounds/new", ROUND,
                         form_url=f"/committee/wijken/{world['wijk_A2']}/rounds/new")
    assert response.status_code == 403
    assert snapshot(app) == before


def test_committee_overview_lists_only_the_own_wijk(committee, world) -> None:
    page = page_text(committee.get("/committee/"))
    assert "Wijktop-3 A1" in page and "Wijktop-3 A2" not in page and "Wijkstemdag B1" not in page


def test_phase_moves_forward_and_is_logged(committee, db, world) -> None:
    url = f"/committee/rounds/{world['round_A1']}/phase"
    response = post_form(committee, url, {"to_phase": "review"},
                         form_url=f"/committee/rounds/{world['round_A1']}")
    assert response.status_code == 302
    assert fresh(db, Round, world["round_A1"]).phase == "review"
    event = db.exec(select(AuditEvent).where(AuditEvent.round_id == world["round_A1"],
                                             AuditEvent.action == "round.phase")
                    .order_by(AuditEvent.id.desc())).first()
    assert event.details == {"from": "submission", "to": "review"}
    assert event.actor_id == world["account_committee-A1"]
    # the round's history says it in words, not as the log's action name
    history = page_text(committee.get(f"/committee/rounds/{world['round_A1']}"))
    assert "Fase gewijzigd: Beoordeling" in history and "round.phase" not in history


@pytest.mark.parametrize("to_phase,message", [
    ("draft", "alleen vooruit"), ("submission", "alleen vooruit"),
    ("published", "kan hier niet"), ("archived", "kan hier niet"), ("bogus", None),
])
def test_phase_cannot_move_backwards_or_past_counting(committee, app, world, to_phase: str,
                                                      message: str | None) -> None:
    before = snapshot(app)
    response = post_form(committee, f"/committee/rounds/{world['round_A1']}/phase",
                         {"to_phase": to_phase},
                         form_url=f"/committee/rounds/{world['round_A1']}")
    assert response.status_code == 400
    if message:
        assert message in page_text(response)
    assert snapshot(app) == before


def test_voting_cannot_start_without_questions(committee, app, db, world) -> None:
    data = {**ROUND, "kind": "wijkstemdag", "title": "Zonder vragen"}
    post_form(committee, f"/committee/wijken/{world['wijk_A1']}/rounds/new", data)
    created = db.exec(select(Round).where(Round.title == "Zonder vragen")).one()
    before = snapshot(app)
    response = post_form(committee, f"/committee/rounds/{created.id}/phase",
                         {"to_phase": "voting"}, form_url=f"/committee/rounds/{created.id}")
    assert response.status_code == 400
    assert "minstens één vraag" in page_text(response)
    assert snapshot(app) == before


def test_frozen_round_refuses_every_change(auth, client, app, world) -> None:
    auth.login("committee-A2")
    round_id = world["round_A2"]
    page = page_text(client.get(f"/committee/rounds/{round_id}"))
    assert "kunnen niet meer veranderen" in page
    before = snapshot(app)
    posts = [
        (f"/committee/rounds/{round_id}/edit", ROUND),
        (f"/committee/rounds/{round_id}/questions/new",
         {"text": "Nog een vraag?", "kind": "yesno", "rule": "majority"}),
        (f"/committee/rounds/{round_id}/stembureaus/new",
         {"name": "Bureau", "address": "Straat 1", "opening_hours": ""}),
    ]
    for url, data in posts:
        response = post_form(client, url, data, form_url=f"/committee/rounds/{round_id}")
        assert response.status_code == 400, url
        assert "kunnen niet meer veranderen" in page_text(response)
    assert snapshot(app) == before


def test_questions_with_kind_and_rule(committee, db, world) -> None:
    round_id = world["round_A1"]
    url = f"/committee/rounds/{round_id}/questions/new"
    data = {"text": "Welke twee?", "kind": "ranked", "rule": "stv", "max_choices": "2",
            "points_total": ""}
    assert post_form(committee, url, data).status_code == 302
    data = {"text": "Verdeel 10 punten", "kind": "points", "rule": "greedy",
            "max_choices": "", "points_total": "10"}
    assert post_form(committee, url, data).status_code == 302
    found = db.exec(select(Question).where(Question.round_id == round_id)
                    .order_by(Question.position)).all()
    assert [(q.position, q.kind, q.rule, q.max_choices, q.points_total) for q in found] == [
        (1, "ranked", "points", 3, None), (2, "ranked", "stv", 2, None),
        (3, "points", "greedy", None, 10)]
    edit = f"/committee/questions/{found[1].id}/edit"
    data = {"text": "Goedkeuren", "kind": "approval", "rule": "mes", "max_choices": "4"}
    assert post_form(committee, edit, data).status_code == 302
    assert (fresh(db, Question, found[1].id).kind, found[1].rule) == ("approval", "mes")
    delete = f"/committee/questions/{found[2].id}/delete"
    assert post_form(committee, delete, {}, form_url=f"/committee/rounds/{round_id}"
                     ).status_code == 302
    assert fresh(db, Question, found[2].id) is None


GOOD_QUESTION = {"text": "Vraag?", "kind": "ranked", "rule": "points", "max_choices": "3",
                 "points_total": ""}
BAD_QUESTIONS = [
    {"kind": "yesno", "rule": "stv"}, {"kind": "approval", "rule": "irv"},
    {"kind": "ranked", "max_choices": ""}, {"kind": "points", "rule": "greedy"},
    {"max_choices": "-1"}, {"max_choices": "100000000000000000000"}, {"max_choices": "drie"},
    {"text": ""}, {"text": "x" * 1001}, {"text": "<script>alert(1)</script>"},
    {"kind": "referendum"}, {"rule": "dictator"},
]


@pytest.mark.parametrize("changes", BAD_QUESTIONS, ids=lambda c: repr(c)[:40])
def test_bad_questions_are_refused(committee, app, world, changes: dict) -> None:
    before = snapshot(app)
    response = post_form(committee, f"/committee/rounds/{world['round_A1']}/questions/new",
                         {**GOOD_QUESTION, **changes})
    assert response.status_code == 400
    page = page_text(response)
    assert "Verbeter het volgende" in page and "<script>alert" not in page
    assert snapshot(app) == before


BAD_ROUNDS = [
    {"budget_rate": "-3"}, {"budget_rate": "3,999"}, {"budget_rate": "3,9999"},
    {"budget_rate": "drie"},
    {"budget_rate": "99999999999"}, {"budget_mode": "fixed", "budget_fixed": ""},
    {"budget_mode": "fixed", "budget_fixed": "1e9"}, {"budget_mode": "gratis"},
    {"kind": "loterij"}, {"title": ""}, {"title": "x" * 201},
    {"title": "<script>alert(1)</script>"}, {"min_age_text": "<img src=x onerror=alert(1)>"},
    {"voting_start": "2027-13-45"}, {"voting_start": "2026-12-01"},
    {"voting_end": "2027-02-28"},
]


@pytest.mark.parametrize("changes", BAD_ROUNDS, ids=lambda c: repr(c)[:40])
@pytest.mark.parametrize("page", ["new", "edit"])
def test_bad_round_settings_are_refused(committee, app, world, changes: dict, page: str) -> None:
    url = (f"/committee/wijken/{world['wijk_A1']}/rounds/new" if page == "new"
           else f"/committee/rounds/{world['round_A1']}/edit")
    before = snapshot(app)
    response = post_form(committee, url, {**ROUND, **changes})
    assert response.status_code == 400
    text = page_text(response)
    assert "Verbeter het volgende" in text and "<script>alert" not in text
    assert snapshot(app) == before


def test_stembureaus_are_added_changed_and_removed(auth, client, db, world) -> None:
    auth.login("admin")
    round_id = world["round_B1"]
    data = {"name": "Wijkcentrum", "address": "Plein 2", "opening_hours": "7:30–21:00"}
    assert post_form(client, f"/committee/rounds/{round_id}/stembureaus/new",
                     data).status_code == 302
    created = db.exec(select(Stembureau).where(Stembureau.name == "Wijkcentrum")).one()
    data["address"] = "Plein 3"
    assert post_form(client, f"/committee/stembureaus/{created.id}/edit",
                     data).status_code == 302
    assert fresh(db, Stembureau, created.id).address == "Plein 3"
    assert post_form(client, f"/committee/stembureaus/{created.id}/delete", {},
                     form_url=f"/committee/rounds/{round_id}").status_code == 302
    assert fresh(db, Stembureau, created.id) is None
    page = page_text(client.get(f"/committee/rounds/{round_id}"))
    assert "Buurthuis B1" in page and "Wijkcentrum" not in page


@pytest.mark.parametrize("changes", [{"name": ""}, {"address": "a" * 301},
                                     {"name": "<script>x</script>"},
                                     {"opening_hours": "\x07bel"}])
def test_bad_stembureaus_are_refused(auth, client, app, world, changes: dict) -> None:
    auth.login("admin")
    before = snapshot(app)
    data = {"name": "Bureau", "address": "Straat 1", "opening_hours": "", **changes}
    response = post_form(client, f"/committee/rounds/{world['round_B1']}/stembureaus/new", data)
    assert response.status_code == 400
    assert "Verbeter het volgende" in page_text(response)
    assert snapshot(app) == before


def test_nul_bytes_are_a_400_not_a_500(committee, app, world) -> None:
    before = snapshot(app)
    response = post_form(committee, f"/committee/rounds/{world['round_A1']}/edit",
                         {**ROUND, "title": "nul\x00byte"})
    assert response.status_code == 400
    assert snapshot(app) == before


COMMITTEE_FORMS = [
    ("/committee/wijken/{wijk_A1}/rounds/new", ROUND),
    ("/committee/rounds/{round_A1}/edit", ROUND),
    ("/committee/rounds/{round_A1}/phase", {"to_phase": "review"}),
    ("/committee/rounds/{round_A1}/questions/new", GOOD_QUESTION),
    ("/committee/questions/{question_A1}/edit", GOOD_QUESTION),
    ("/committee/questions/{question_A1}/delete", {}),
    ("/committee/rounds/{round_A1}/stembureaus/new", {"name": "B", "address": "S 1"}),
]


@pytest.mark.parametrize("url,data", COMMITTEE_FORMS, ids=[u for u, _ in COMMITTEE_FORMS])
def test_committee_forms_require_a_csrf_token(committee, app, world, url: str,
                                              data: dict) -> None:
    before = snapshot(app)
    response = committee.post(url.format(**world), data=data)
    assert response.status_code == 400
    assert "Het formulier is verlopen" in page_text(response)
    assert snapshot(app) == before


def test_stembureau_forms_require_a_csrf_token(auth, client, app, world) -> None:
    auth.login("admin")
    before = snapshot(app)
    for url in (f"/committee/stembureaus/{world['stembureau_B1']}/edit",
                f"/committee/stembureaus/{world['stembureau_B1']}/delete"):
        response = client.post(url, data={"name": "B", "address": "S 1"})
        assert response.status_code == 400
    assert snapshot(app) == before
