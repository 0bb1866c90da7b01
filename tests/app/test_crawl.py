"""A crawl of every route in ``app.url_map`` with hostile requests: never a 500.

For every rule, as anonymous and as administrator: malformed path values (huge,
negative, text, unicode, NUL and percent-encoded junk), malformed query strings,
oversized bodies (413), wrong methods (405), POSTs with a missing, forged or
other session's CSRF token (400) and random form fields from hypothesis. Every
error page must be the friendly Dutch page: no traceback, no Werkzeug, no
debugger. Concrete URLs come from the route matrix's helpers; a route added
later is crawled without any change here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from app import create_app
from app.db import EXTENSION
from tests.app.conftest import TEST_CONFIG, csrf_token
from tests.app.test_route_matrix import log_in, url_of, url_values

ROLES = ("anonymous", "admin")
# Raw path segments (already URL-encoded where needed).
JUNK_SEGMENTS = ("99999999999999999999999", "-1", "abc", "%C3%BC%E2%82%AC%F0%9F%98%80",
                 "%00", "%FF%FE", "..%2F..%2Fetc%2Fpasswd", "2147483648", "1.5",
                 "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "1%20OR%201=1", "0x10")
JUNK_QUERY = ("page=-1&page=99999999999999999999&q=%FF%FE%00&status=%3Cscript%3E"
              "&round_id=abc&wijk_id=-5&lang=xx&date_from=2026-13-45&action=%27%3B--"
              "&x[]=1&%00=1&=&&q=" + "y" * 3000)
FORBIDDEN = ("Traceback", "Werkzeug", "werkzeug", "__debugger__", "Internal Server Error",
             'File "/')
DUTCH_TITLES = {403: "Geen toegang", 404: "Pagina niet gevonden", 405: "Niet toegestaan",
                413: "Te groot", 429: "Te veel pogingen"}
CSRF_NL = "Het formulier is verlopen of niet vanaf deze site verstuurd."
HOSTILE_VALUES = ("", "-1", "0", "9" * 40, "-99999999999", "1e308", "NaN", "inf", "3.5",
                  "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "y" * 20_000,
                  "\u202e\u200b", "2026-02-30", "99-99-9999", "x@y", "admitted", "voting",
                  "🙂" * 50, "'; DROP TABLE round; --", "%00", "\x07", "nl", "en")
GENERIC_FIELDS = ("phase", "code", "count", "checked", "fingerprint", "lang", "next", "answer",
                  "issued", "question", "reason", "decision", "title")


@pytest.fixture
def crawl_app(database) -> Iterator[Flask]:
    """The app with rate limits that stay out of the way (they are tested elsewhere)."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "CODE_RATE_LIMIT": "100000 per minute",
                      "CODE_FAILURE_LIMIT": "100000 per minute"})
    yield app
    app.extensions[EXTENSION].dispose()


def all_rules(app: Flask) -> list[Rule]:
    """Every rule of the app, in a stable order."""
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def posting(rule: Rule) -> bool:
    """True when the rule takes POST."""
    return "POST" in rule.methods


def problems(response: Any, where: str) -> list[str]:
    """What is wrong with an answer: a 5xx other than 503, or an unfriendly error page."""
    status = response.status_code
    body = response.get_data(as_text=True)
    response.close()
    found = []
    if status >= 500 and status != 503:
        found.append(f"{where}: {status}")
    if status >= 400:
        if '<html lang="nl">' not in body:
            found.append(f"{where}: {status} page is not the Dutch page")
        found.extend(f"{where}: {status} page shows {word!r}" for word in FORBIDDEN
                     if word in body)
        title = DUTCH_TITLES.get(status)
        if title and f"<h1>{title}</h1>" not in body:
            found.append(f"{where}: {status} page without the Dutch title {title!r}")
    return found


def client_as(app: Flask, role: str, world: dict[str, int]) -> FlaskClient:
    """A fresh client, logged in as ``role``."""
    client = app.test_client()
    log_in(client, role, world)
    return client


def junk_path(rule: Rule, junk: str) -> str:
    """The rule's path with every variable part replaced by ``junk``."""
    return re.sub(r"<[^>]+>", junk, rule.rule)


def test_malformed_path_values(crawl_app: Flask, world: dict[str, int]) -> None:
    """Every variable part of every route gets junk; int parts that do not fit give 404."""
    found: list[str] = []
    rules = [r for r in all_rules(crawl_app) if r.arguments]
    int_converter = crawl_app.url_map.converters["int"]
    for role in ROLES:
        client = client_as(crawl_app, role, world)
        token = csrf_token(client, "/")
        for number, rule in enumerate(rules):
            # four junk values per rule, rotating, so every value meets many routes
            for k in range(4):
                junk = JUNK_SEGMENTS[(number * 4 + k) % len(JUNK_SEGMENTS)]
                url = junk_path(rule, junk)
                if "GET" in rule.methods:
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": token})
                status = response.status_code
                found += problems(response, f"{role} {url}")
                integers_only = all(isinstance(c, int_converter)
                                    for c in rule._converters.values())
                if integers_only and status != 404:
                    found.append(f"{role} {url}: {status}, expected 404 for a non-id")
    assert not found, "\n".join(found)


@pytest.mark.sqlite_only
def test_malformed_query_strings(crawl_app: Flask, world: dict[str, int]) -> None:
    values = url_values(crawl_app, world, 0)
    found: list[str] = []
    for role in ROLES:
        client = client_as(crawl_app, role, world)
        for rule in all_rules(crawl_app):
            if "GET" in rule.methods:
                url = url_of(crawl_app, rule.endpoint, values)
                found += problems(client.get(f"{url}?{JUNK_QUERY}"), f"{role} GET {url}?junk")
    assert not found, "\n".join(found)


BOUNDARY = "wijkstem-crawl-boundary"


def multipart(token: str, content: bytes) -> bytes:
    """A multipart body with the CSRF token and ``content`` as the file ``big.csv``."""
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + content \
        + f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.mark.sqlite_only
def test_oversized_bodies_are_413(crawl_app: Flask, world: dict[str, int]) -> None:
    values = url_values(crawl_app, world, 0)
    limit = crawl_app.config["MAX_CONTENT_LENGTH"]
    body = b"x" * (limit + 1)
    found: list[str] = []
    for role in ROLES:
        client = client_as(crawl_app, role, world)
        token = csrf_token(client, "/")
        for rule in filter(posting, all_rules(crawl_app)):
            url = url_of(crawl_app, rule.endpoint, values)
            # raw bodies: the test client would spool a large dict body to a temp file
            # that it does not close when the request is refused
            as_form = client.post(url, data=b"csrf_token=" + token.encode() + b"&field=" + body,
                                  content_type="application/x-www-form-urlencoded")
            as_file = client.post(url, data=multipart(token, body),
                                  content_type=f"multipart/form-data; boundary={BOUNDARY}")
            for kind, response in (("form", as_form), ("file", as_file)):
                status = response.status_code
                found += problems(response, f"{role} POST {url} ({kind})")
                if status != 413:
                    found.append(f"{role} POST {url} ({kind}): {status}, expected 413")
    assert not found, "\n".join(found)


@pytest.mark.sqlite_only
def test_wrong_methods_are_405(crawl_app: Flask, world: dict[str, int]) -> None:
    values = url_values(crawl_app, world, 0)
    found: list[str] = []
    for role in ROLES:
        client = client_as(crawl_app, role, world)
        for number, rule in enumerate(all_rules(crawl_app)):
            url = url_of(crawl_app, rule.endpoint, values)
            allowed = {m for r in crawl_app.url_map.iter_rules() if r.rule == rule.rule
                       for m in r.methods}
            wrong = [m for m in ("GET", "POST") if m not in allowed]
            wrong.append(("PUT", "DELETE", "PATCH")[(number + len(role)) % 3])
            for method in wrong:
                response = client.open(url, method=method, data={"x": "1"})
                status = response.status_code
                found += problems(response, f"{role} {method} {url}")
                if status != 405:
                    found.append(f"{role} {method} {url}: {status}, expected 405")
    assert not found, "\n".join(found)


def forged_tokens(app: Flask, client: FlaskClient, world: dict[str, int]) -> dict[str, Any]:
    """Bad CSRF tokens: none, made up, tampered, and a valid one of another session."""
    other = client_as(app, "admin", world)
    other_token = csrf_token(other, "/auth/login")
    own = csrf_token(client, "/")
    return {"missing": None, "forged": "IjEyMzQ1Njc4OTAi.ZZZZZZ.forgedsignature",
            "tampered": own[:-4] + ("AAAA" if not own.endswith("AAAA") else "BBBB"),
            "other session": other_token}


@pytest.mark.sqlite_only
def test_posts_without_a_valid_csrf_token_are_400(crawl_app: Flask,
                                                  world: dict[str, int]) -> None:
    values = url_values(crawl_app, world, 0)
    found: list[str] = []
    for role in ROLES:
        client = client_as(crawl_app, role, world)
        tokens = forged_tokens(crawl_app, client, world)
        for rule in filter(posting, all_rules(crawl_app)):
            url = url_of(crawl_app, rule.endpoint, values)
            for kind, token in tokens.items():
                data = {"title": "x"} if token is None else {"title": "x", "csrf_token": token}
                response = client.post(url, data=data)
                status, body = response.status_code, response.get_data(as_text=True)
                found += problems(response, f"{role} POST {url} ({kind} token)")
                if status != 400 or CSRF_NL not in body:
                    found.append(f"{role} POST {url} ({kind} token): {status}, expected the "
                                 "Dutch CSRF 400")
    assert not found, "\n".join(found)


def form_fields(client: FlaskClient, url: str, rule: Rule) -> list[str]:
    """Names of the inputs on the route's own page (GET), else a generic list."""
    names: list[str] = []
    if "GET" in rule.methods:
        response = client.get(url)
        names = re.findall(r'name="([^"]+)"', response.get_data(as_text=True))
        response.close()
    return sorted(set(names) - {"csrf_token"}) or list(GENERIC_FIELDS)


JUNK_VALUE = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=60),
                       st.integers(-(2**70), 2**70).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(str))


def fuzzer(client: FlaskClient, url: str, names: list[str], token: str, where: str,
           found: list[str]):
    """A hypothesis test that POSTs junk in ``names`` (and made-up fields) to ``url``."""
    @settings(max_examples=3, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(fields=st.dictionaries(st.sampled_from(names) | st.text(min_size=1, max_size=12),
                                  JUNK_VALUE, max_size=len(names) + 2),
           upload=st.binary(max_size=300))
    def fuzz(fields: dict[str, str], upload: bytes) -> None:
        data: dict[str, Any] = {**fields, "csrf_token": token}
        if "file" in names:
            data["file"] = (io.BytesIO(upload), "junk.csv")
        response = client.post(url, data=data, content_type="multipart/form-data")
        found.extend(problems(response, f"{where} {sorted(fields)[:5]}"))

    return fuzz


@pytest.mark.sqlite_only
def test_random_form_fields_never_give_a_500(crawl_app: Flask, world: dict[str, int]) -> None:
    """Hypothesis fills each POST route's fields (and some made-up ones) with junk."""
    values = url_values(crawl_app, world, 0)
    found: list[str] = []
    for role in ROLES:
        for rule in filter(posting, all_rules(crawl_app)):
            # a fresh session per route: logging out or in would void the token
            client = client_as(crawl_app, role, world)
            token = csrf_token(client, "/")
            url = url_of(crawl_app, rule.endpoint, values)
            names = form_fields(client, url, rule)

            fuzzer(client, url, names, token, f"{role} POST {url}", found)()
    assert not found, "\n".join(found[:40])


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", ["\r\x8f\x88P", "a\nb", "x\x00y"])
def test_a_field_name_with_a_line_break_or_nul_is_400(crawl_app: Flask, world: dict[str, int],
                                                       name: str) -> None:
    """Regression (found by the crawl): a multipart part named with a line break reached
    WTForms' FieldList with the name None, a 500 on the initiative form."""
    client = crawl_app.test_client()
    token = csrf_token(client, "/")
    response = client.post(f"/ronde/{world['round_A1']}/indienen",
                           data={name: "1", "csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert not problems(response, "initiative form")

