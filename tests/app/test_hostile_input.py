"""Hostile input on the residents' and officials' forms: a 4xx with a Dutch message, no change.

Parametrised per form (initiative, support, support confirmation, review) and per
attack (script tags, overlong text, wrong types, negative and huge amounts, NUL
bytes, too many rows, no or a forged CSRF token, an oversized body). The
other areas' forms are covered by their own tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.conftest import csrf_token, page_text, snapshot
from tests.app.test_official import ADMIT
from tests.app.test_public import submission

pytestmark = pytest.mark.sqlite_only

CSRF_NL = "Het formulier is verlopen of niet vanaf deze site verstuurd."
HTML_NL = "Tekst mag geen HTML-tags of stuurtekens bevatten."
REQUIRED_NL = "Dit veld is vereist."
SCRIPT = "<script>alert('x')</script>"

# form name -> (URL template, account that may use it, valid data)
FORMS: dict[str, tuple[str, str | None, dict[str, str]]] = {
    "initiative": ("/ronde/{round_A1}/indienen", None, submission()),
    "support": ("/initiatief/{initiative_A1}/steun", None, {"contact": "jan@example.org"}),
    "review": ("/official/initiatives/{initiative_A1}/review", "official-A", ADMIT),
}

ATTACKS: list[tuple[str, dict[str, Any], str]] = [
    # (form, fields replaced, Dutch text the answer must contain)
    ("initiative", {"title": SCRIPT}, HTML_NL),
    ("initiative", {"description": "Leuk <img src=x onerror=alert(1)>"}, HTML_NL),
    ("initiative", {"location": "<iframe>"}, HTML_NL),
    ("initiative", {"cost_lines-0-description": SCRIPT}, HTML_NL),
    ("initiative", {"initiators-0-name": SCRIPT}, HTML_NL),
    ("initiative", {"title": "x" * 201}, "Titel"),
    ("initiative", {"description": "x" * 5001}, "Beschrijving"),
    ("initiative", {"initiators-0-email": "a" * 250 + "@example.org"}, "E-mailadres"),
    ("initiative", {"title": ""}, REQUIRED_NL),
    ("initiative", {"title": "Bel\x07l"}, HTML_NL),
    ("initiative", {"cost_lines-0-amount": "abc"}, "Vul een bedrag in euro in"),
    ("initiative", {"cost_lines-0-amount": "1e9"}, "Vul een bedrag in euro in"),
    ("initiative", {"cost_lines-0-amount": "-1.234,56"}, "negatief"),
    ("initiative", {"cost_lines-0-amount": "9" * 12}, "te hoog"),
    ("initiative", {"cost_lines-0-amount": "9" * 60}, "Vul een bedrag in euro in"),
    ("initiative", {"cost_lines-0-amount": "NaN"}, "Vul een bedrag in euro in"),
    ("initiative", {"cofinancing": "-1"}, "negatief"),
    ("initiative", {"cofinancing": "99999999999"}, "te hoog"),
    ("initiative", {"initiators-1-phone": "bel me"}, "Dit is geen telefoonnummer."),
    ("support", {"contact": SCRIPT}, HTML_NL),
    ("support", {"contact": "x" * 300}, "telefoonnummer"),
    ("support", {"contact": ""}, REQUIRED_NL),
    ("support", {"contact": "geen adres"}, "Geef een e-mailadres of een Nederlands telefoon"),
    ("review", {"reason": SCRIPT}, HTML_NL),
    ("review", {"legitimacy_note": "<b>vet</b>"}, HTML_NL),
    ("review", {"reason": "x" * 4001}, "Reden"),
    ("review", {"involvement": "-1"}, "Ongeldige keuze"),
    ("review", {"return_value": "3.5"}, "Rendement"),
    ("review", {"decision": "admitted; DROP TABLE review"}, "Ongeldige keuze"),
]


def form_url(name: str, world: dict[str, int]) -> str:
    """The form's URL in the seeded world."""
    return FORMS[name][0].format(**world)


def prepare(client, auth, name: str) -> None:
    """Logs in when the form needs an account."""
    if FORMS[name][1]:
        auth.login(FORMS[name][1])


@pytest.mark.parametrize(("name", "fields", "dutch"), ATTACKS,
                         ids=[f"{a[0]}-{i}" for i, a in enumerate(ATTACKS)])
def test_hostile_values_are_refused_in_dutch(app, client, auth, world, name, fields,
                                             dutch) -> None:
    prepare(client, auth, name)
    url = form_url(name, world)
    data = {**FORMS[name][2], **fields, "csrf_token": csrf_token(client, url)}
    before = snapshot(app)
    response = client.post(url, data=data)
    assert response.status_code == 400
    page = page_text(response)
    assert dutch in page and "Verbeter het volgende" in page
    assert "<script>alert" not in page and "<img src=x" not in page  # echoed input is escaped
    assert snapshot(app) == before


@pytest.mark.parametrize("name", [*FORMS, "confirm"])
@pytest.mark.parametrize("token", [None, "forged"])
def test_forms_refuse_a_missing_or_forged_csrf_token(app, client, auth, world, name,
                                                     token) -> None:
    url = "/steun/bevestig/any-token" if name == "confirm" else form_url(name, world)
    data = {} if name == "confirm" else dict(FORMS[name][2])
    if name != "confirm":
        prepare(client, auth, name)
    if token:
        data["csrf_token"] = token
    before = snapshot(app)
    response = client.post(url, data=data)
    assert response.status_code in (400, 404)  # an unknown confirmation token is a 404 first
    if response.status_code == 400:
        assert CSRF_NL in page_text(response)
    assert snapshot(app) == before


@pytest.mark.parametrize("name", list(FORMS))
def test_nul_bytes_are_a_400(app, client, auth, world, name) -> None:
    prepare(client, auth, name)
    url = form_url(name, world)
    field = next(iter(FORMS[name][2]))
    data = {**FORMS[name][2], field: "a\x00b", "csrf_token": csrf_token(client, url)}
    before = snapshot(app)
    assert client.post(url, data=data).status_code == 400
    assert snapshot(app) == before


def test_rows_beyond_the_limit_are_ignored_not_a_crash(app, client, world) -> None:
    url = form_url("initiative", world)
    data = {**submission(), "csrf_token": csrf_token(client, url)}
    data.update({f"cost_lines-{n}-amount": "-1" for n in range(25, 2000)})
    data["cost_lines-999999999999999999999-amount"] = "5"
    response = client.post(url, data=data)
    assert response.status_code in (302, 400)


def test_oversized_body_is_a_413_in_dutch(app, client, world) -> None:
    url = form_url("initiative", world)
    data = {**submission(), "description": "x" * (3 * 1024 * 1024),
            "csrf_token": csrf_token(client, url)}
    before = snapshot(app)
    response = client.post(url, data=data)
    assert response.status_code == 413
    assert "Wat u verstuurde is te groot." in page_text(response)
    assert snapshot(app) == before


@pytest.mark.parametrize("query", [{"q": "x" * 101}, {"status": "<script>"},
                                   {"q": "'; DROP TABLE initiative; --"}])
def test_hostile_search_never_fails(client, world, query) -> None:
    response = client.get(f"/ronde/{world['round_A1']}", query_string=query)
    assert response.status_code in (200, 400)
    assert "<script>" not in page_text(response).split("</header>", 1)[1]
