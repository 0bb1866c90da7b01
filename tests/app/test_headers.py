"""Session cookies, security headers, no debug pages, and escaping of stored markup.

Every response (pages, errors, static files) carries a Content-Security-Policy
without ``unsafe-inline``, nosniff, a referrer policy and a frame ban; the
templates hold no inline scripts, styles or event handlers that the policy
would block. Markup stored directly in an initiative (forms refuse it) is shown
as text on every page that shows the initiative.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from app import create_app
from app.db import EXTENSION
from app.models import CostLine, Initiative, Initiator
from tests.app.conftest import TEST_CONFIG, AuthActions, page_text, post_form
from tests.app.count_world import add_second_official, counting_round
from tests.app.test_counting import confirm, publish, run_count
from tests.app.vote_world import issue_codes, open_round

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SCRIPT = '<script>alert("xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
SHOWN_SCRIPT = "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;"
SHOWN_IMG = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
FRIENDLY_500 = "Er ging bij ons iets mis"


def header_problems(response) -> list[str]:
    """What is missing or weak in the security headers of one response."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";"))
    problems = []
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"CSP allows inline code: {csp}")
    if directives.get("script-src", directives.get("default-src")) not in ("'self'", "'none'"):
        problems.append(f"CSP script-src is not 'self': {csp}")
    if "object-src" not in directives:
        problems.append("CSP without object-src")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in ("same-origin", "no-referrer",
                                              "strict-origin-when-cross-origin"):
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    if headers.get("X-Frame-Options") != "DENY" and \
            directives.get("frame-ancestors") != "'none'":
        problems.append("framing allowed")
    return problems


@pytest.mark.sqlite_only
def test_every_kind_of_response_has_the_security_headers(app: Flask, client: FlaskClient,
                                                         world: dict[str, int]) -> None:
    responses = {
        "home": client.get("/"),
        "static": client.get("/static/wijkstem.css"),
        "404": client.get("/bestaat-niet"),
        "405": client.put("/"),
        "400 csrf": client.post("/auth/login", data={"username": "x"}),
        "vote": client.get("/stemmen"),
        "login redirect": client.get("/admin/"),
    }
    for response in responses.values():
        response.close()  # the static file's handle
    problems = {name: header_problems(r) for name, r in responses.items() if header_problems(r)}
    assert not problems
    assert responses["404"].status_code == 404 and responses["405"].status_code == 405


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    """The CSP blocks inline code, so none may be in a template (it would silently break)."""
    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|"
                         r"javascript:", re.IGNORECASE)
    found = [f"{path.relative_to(TEMPLATES)}: {match.group().strip()}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for match in pattern.finditer(path.read_text())]
    assert not found


def session_cookie(response) -> str:
    """The Set-Cookie header of the session cookie."""
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[0]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("base_url", "secure"), [("http://localhost", False),
                                                  ("https://wijkstem.example.nl", True)])
def test_session_cookie_flags(database, base_url: str, secure: bool) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0], "BASE_URL": base_url})
    try:
        client = app.test_client()
        response = AuthActions(client).login("admin")
        assert response.status_code == 302
        cookie = session_cookie(response)
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert ("Secure" in cookie.split("; ")) is secure
    finally:
        app.extensions[EXTENSION].dispose()


def test_production_config_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """The environment's app is not in debug mode, and an https base URL makes cookies Secure."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("WIJKSTEM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WIJKSTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("WIJKSTEM_BASE_URL", "https://wijkstem.example.nl")
    app = create_app()
    try:
        assert app.debug is False and app.testing is False
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
    finally:
        app.extensions[EXTENSION].dispose()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_shows_the_friendly_page_without_a_traceback(database, debug: bool) -> None:
    """Even with debug on, an exception gives the Dutch 500 page, never the debugger."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0], "DEBUG": debug})

    @app.get("/crash-test")
    def crash() -> str:
        raise RuntimeError("secret internals: DATABASE password=hunter2")

    try:
        response = app.test_client().get("/crash-test")
        page = page_text(response)
        assert response.status_code == 500
        assert FRIENDLY_500 in page
        for leak in ("Traceback", "RuntimeError", "hunter2", "Werkzeug", "werkzeug",
                     "Debugger", "__debugger__", 'File "'):
            assert leak not in page
        assert not header_problems(response)
    finally:
        app.extensions[EXTENSION].dispose()


def hostile_initiative(app: Flask, round_id: int, status: str) -> int:
    """An initiative with markup in every text field, stored directly (forms refuse it)."""
    with Session(app.extensions[EXTENSION]) as session:
        item = Initiative(round_id=round_id, title=f"Plan {SCRIPT}", description=f"Wat {IMG}",
                          location=f"Plein {IMG}", status=status)
        session.add(item)
        session.flush()
        session.add(CostLine(initiative_id=item.id, description=f"Kosten {SCRIPT}",
                             amount_cents=10_000))
        session.add_all(Initiator(initiative_id=item.id, name=f"Naam {IMG}", email=f"a{n}@x.nl",
                                  phone="0612345678") for n in (1, 2))
        session.commit()
        return item.id


def assert_shown_as_text(response, *expected: str) -> None:
    """The page shows the escaped markup and holds none of it raw."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert SCRIPT not in html and "<img src=x" not in html
    for text in expected:
        assert text in html, f"{text!r} not shown"


def test_markup_in_an_initiative_is_shown_as_text_everywhere(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    item = hostile_initiative(app, world["round_A1"], "submitted")
    assert_shown_as_text(client.get(f"/initiatief/{item}"), SHOWN_SCRIPT, SHOWN_IMG)
    assert_shown_as_text(client.get(f"/ronde/{world['round_A1']}"), SHOWN_SCRIPT)
    auth.login("official-A")
    assert_shown_as_text(client.get(f"/official/initiatives/{item}"), SHOWN_SCRIPT, SHOWN_IMG)
    assert_shown_as_text(client.get(f"/official/initiatives/{item}/review"), SHOWN_SCRIPT,
                         SHOWN_IMG)
    assert_shown_as_text(client.get(f"/official/rounds/{world['round_A1']}"), SHOWN_SCRIPT)


def test_markup_on_the_ballot_is_shown_as_text(app: Flask, client: FlaskClient,
                                               world: dict[str, int]) -> None:
    setup = open_round(app, world)
    hostile_initiative(app, setup["round_id"], "admitted")
    code = issue_codes(app, setup["round_id"])[0]
    assert post_form(client, "/stemmen", {"code": code}).status_code == 302
    assert_shown_as_text(client.get("/stemmen/stembiljet"), SHOWN_SCRIPT)
    assert_shown_as_text(client.get(f"/ronde/{setup['round_id']}"), SHOWN_SCRIPT)


@pytest.mark.sqlite_only
def test_markup_on_the_results_page_is_shown_as_text(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    with Session(app.extensions[EXTENSION]) as session:
        first = session.get(Initiative, setup["ids"][0])
        first.title = f"Plan {SCRIPT}"
        session.add(first)
        session.commit()
    add_second_official(app, world)
    auth.login("official-A")
    assert run_count(client, setup["round_id"]).status_code == 302
    auth.logout()
    auth.login("official-A2")
    assert confirm(client, setup["round_id"]).status_code == 302
    assert_shown_as_text(client.get(f"/official/rounds/{setup['round_id']}/count"),
                         SHOWN_SCRIPT)
    assert publish(client, setup["round_id"]).status_code == 302
    auth.logout()
    assert_shown_as_text(client.get(f"/ronde/{setup['round_id']}/uitslag"), SHOWN_SCRIPT)
