"""Every route x every role: who gets in, who gets 403, who is sent to log in.

One table (``ROUTES``) names each endpoint of ``app.url_map`` with the access rule
it must follow; ``test_every_route_is_in_the_matrix`` fails when a route is added
without a row. For POST routes the request carries a valid CSRF token and empty
data: those let in must answer with a 4xx or a re-rendered form (or the redirect
that an action without fields gives), never a 500; the others a 403 or the login.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlmodel import Session

from app.db import EXTENSION
from app.models import Question, Stembureau, Support
from app.services import supports
from tests.app.conftest import csrf_token

pytestmark = pytest.mark.sqlite_only

ROLES = ("anonymous", "committee-A1", "committee-A2", "official-A", "official-B", "admin")
LOGIN = "login"  # a redirect to the login page
TITLE = re.compile(r"<title>(.*?)</title>", re.S)  # every page's title is plain text

# Who gets in (200 on GET) under each access rule; the rest get 403 or, anonymous, LOGIN.
RULES: dict[str, set[str]] = {
    "public": set(ROLES),
    "admin": {"admin"},
    "committee": {"committee-A1", "committee-A2", "admin"},
    "committee_of_A1": {"committee-A1", "admin"},
    "official": {"official-A", "official-B", "admin"},
    "official_of_A": {"official-A", "admin"},
    "stemcode": set(),  # resident steps behind a stemcode (test_vote.py covers holders)
    "published": set(ROLES),  # result downloads: 404 for all until published (test_results.py)
    "counted_of_A": {"official-A", "admin"},  # a count's file: 404 until counted (test_counting)
    "wijk_team_of_A1": {"committee-A1", "official-A", "admin"},  # turnout: committee + officials
}
# GET status for those let in when the world's round A1 has no (published) count yet.
NO_COUNT_YET = {"published": 404, "counted_of_A": 404}

# endpoint -> (access rule, what a POST with empty data gives to those let in; None: GET only).
# "form" is a re-rendered form with a 400; a number is that exact status.
ROUTES: dict[str, tuple[str, Any]] = {
    "static": ("public", None),
    "home.index": ("public", None),
    "auth.login": ("public", "form"),
    "auth.logout": ("public", 302),
    "auth.language": ("public", 302),
    "admin.index": ("admin", None),
    "admin.stadsdelen": ("admin", "form"),
    # An edit form sent without fields keeps the stored values: saved unchanged, redirected.
    "admin.edit_stadsdeel": ("admin", 302),
    "admin.new_wijk": ("admin", "form"),
    "admin.edit_wijk": ("admin", 302),
    "admin.import_wijken": ("admin", "form"),
    "admin.new_account": ("admin", "form"),
    "admin.edit_account": ("admin", 302),
    "committee.index": ("committee", None),
    "committee.new_round": ("committee_of_A1", "form"),
    "committee.round_detail": ("committee_of_A1", None),
    "committee.edit_round": ("committee_of_A1", "form"),
    "committee.move_phase": ("committee_of_A1", "form"),
    "committee.new_question": ("committee_of_A1", "form"),
    "committee.edit_question": ("committee_of_A1", 302),
    "committee.delete_question": ("committee_of_A1", 302),
    "committee.new_stembureau": ("committee_of_A1", "form"),
    "committee.edit_stembureau": ("committee_of_A1", 302),
    "committee.delete_stembureau": ("committee_of_A1", 302),
    "public.wijken": ("public", None),
    "public.wijk": ("public", None),
    "public.round": ("public", None),
    "public.submit": ("public", "form"),
    "public.submitted": ("public", None),
    "public.initiative": ("public", None),
    "public.support": ("public", "form"),
    "public.confirm": ("public", 200),  # the button carries no fields: it confirms
    "official.index": ("official", None),
    "official.round_initiatives": ("official_of_A", None),
    "official.initiative": ("official_of_A", None),
    "official.review": ("official_of_A", "form"),
    "official.audit_log": ("official", None),
    "official.outbox": ("official", None),
    "vote.enter_code": ("public", "form"),
    "vote.ballot": ("stemcode", 302),
    "vote.cast": ("stemcode", 302),
    "vote.done": ("public", None),
    "stemcodes.issue": ("official_of_A", "form"),
    "counting.overview": ("official_of_A", None),
    "counting.run": ("official_of_A", "form"),  # round A1 is not in its counting phase
    "counting.confirm": ("official_of_A", "form"),
    "counting.publish": ("official_of_A", "form"),  # nothing counted to publish
    "counting.discard": ("official_of_A", "form"),  # no reason given
    "counting.ballots_file": ("counted_of_A", None),
    "results.round_results": ("public", None),  # "not known yet" before publication
    "results.result_json": ("published", None),
    "results.result_csv": ("published", None),
    "results.ballots_file": ("published", None),
    "results.ballots_sha256": ("published", None),
    "paper.overview": ("official_of_A", None),
    "paper.stembureau": ("official_of_A", None),
    "paper.record_issued": ("official_of_A", "form"),
    "paper.record_ballot": ("official_of_A", "form"),  # round A1 is not voting: refused
    "paper.upload": ("official_of_A", "form"),
    "paper.withdraw": ("official_of_A", "form"),
    "paper.clear": ("official_of_A", "form"),
    "turnout.round_turnout": ("wijk_team_of_A1", None),
}


def url_values(app: Flask, world: dict[str, int], n: int) -> dict[str, Any]:
    """A value for every URL argument, all pointing into wijk A1 / stadsdeel A.

    Objects that a POST may change or delete (question, stembureau, support token)
    are made anew for each role ``n``, so one role's POST cannot spoil the next one's.
    """
    with app.test_request_context(), Session(app.extensions[EXTENSION]) as session:
        stembureau = Stembureau(round_id=world["round_A1"], name=f"Buurthuis {n}",
                                address="Kerkstraat 1")
        question = Question(round_id=world["round_A1"], position=100 + n, kind="yesno",
                            rule="majority", text=f"Vraag {n}?")
        # A pending support with a known token: the matrix tests access, not supporting.
        token = f"matrix-token-{n}"
        session.add_all([stembureau, question, Support(
            initiative_id=world["initiative_A1"], contact_hash=f"{n:064d}",
            token_hash=supports.token_hash(token))])
        session.commit()
        return {"wijk_id": world["wijk_A1"], "round_id": world["round_A1"],
                "initiative_id": world["initiative_A1"], "question_id": question.id,
                "stembureau_id": stembureau.id, "account_id": world["account_committee-A1"],
                "stadsdeel_id": world["stadsdeel_A"], "token": token,
                "filename": "wijkstem.css"}


def url_of(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    """A concrete URL for ``endpoint`` built from the world's values."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def log_in(client: FlaskClient, role: str, world: dict[str, int]) -> None:
    """Puts the account in the session as Flask-Login does (the login form is tested elsewhere)."""
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = str(world[f"account_{role}"])
            session["_fresh"] = True


def expected_get(rule: str, role: str) -> Any:
    """200, 403 or LOGIN for a GET (302 to the code entry for a stemcode step without a code)."""
    if rule == "stemcode":
        return 302
    if role in RULES[rule]:
        return NO_COUNT_YET.get(rule, 200)
    return LOGIN if role == "anonymous" else 403


def outcome(response: Any) -> Any:
    """The status, or LOGIN for a redirect to the login page (the response is closed)."""
    response.close()
    if response.status_code == 302 and "/auth/login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routed - set(ROUTES) == set(), "add these endpoints to ROUTES"
    assert set(ROUTES) - routed == set(), "these endpoints no longer exist"
    for rule in app.url_map.iter_rules():
        posts = "POST" in rule.methods
        assert posts == (ROUTES[rule.endpoint][1] is not None), rule.endpoint


def answers(app: Flask, world: dict[str, int], endpoint: str, role: str,
            n: int) -> list[str]:
    """What is wrong with ``endpoint`` for ``role`` (empty when GET and POST are as expected)."""
    rule_name, on_post = ROUTES[endpoint]
    url = url_of(app, endpoint, url_values(app, world, n))
    client = app.test_client()
    log_in(client, role, world)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    wrong = []
    if "GET" in rule.methods:
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            title = TITLE.search(response.get_data(as_text=True))
            if title is None or "<" in title.group(1):
                wrong.append(f"GET {url} as {role}: no plain <title> ({title and title[1][:80]})")
        got, want = outcome(response), expected_get(rule_name, role)
        if got != want:
            wrong.append(f"GET {url} as {role}: {got}, expected {want}")
    if on_post is not None:
        got = outcome(client.post(url, data={"csrf_token": csrf_token(client, "/")}))
        if role not in RULES[rule_name]:
            want = expected_get(rule_name, role)
        else:
            want = 400 if on_post == "form" else on_post
        if got != want:
            wrong.append(f"POST {url} as {role}: {got}, expected {want}")
    return wrong


@pytest.mark.parametrize("endpoint", list(ROUTES))
def test_route_for_every_role(app: Flask, world: dict[str, int], endpoint: str) -> None:
    """One database per route, a fresh client per role: the whole row is checked at once."""
    wrong = [line for n, role in enumerate(ROLES)
             for line in answers(app, world, endpoint, role, n)]
    assert not wrong, "\n".join(wrong)
