"""Translations: every msgid in code and templates has a Dutch translation; the switch works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from tests.app.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "app" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_msgids() -> dict[str, str]:
    """Every translatable string in app/ (Python) and templates/ (Jinja), with where it is."""
    found: dict[str, str] = {}
    sources = ((ROOT / "app", [("**.py", "python")]),
               (ROOT / "templates", [("**.html", "jinja2")]))
    for folder, method_map in sources:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(folder), method_map, keywords=KEYWORDS):
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid:
                    found.setdefault(msgid, f"{folder.name}/{filename}:{lineno}")
    return found


def test_every_msgid_has_a_dutch_translation() -> None:
    with PO_PATH.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    missing = [f"{where}: {msgid!r}" for msgid, where in extracted_msgids().items()
               if not (catalog.get(msgid) and catalog.get(msgid).string)]
    assert not missing, "untranslated (add to messages.po):\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    with PO_PATH.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    wrong = [m.id for m in catalog if m.id and m.string and isinstance(m.id, str)
             and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))]
    assert not wrong
    assert not [m.id for m in catalog if m.id and m.fuzzy]


@pytest.mark.sqlite_only
def test_pages_are_dutch_by_default_and_english_on_request(client) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="nl"' in page and "Wachtwoord" in page
    response = post_form(client, "/auth/language", {"lang": "en", "next": "/auth/login"},
                         form_url="/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Password" in page and "Wachtwoord" not in page


@pytest.mark.sqlite_only
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_language_switch_never_redirects_off_site(client, target: str) -> None:
    response = post_form(client, "/auth/language", {"lang": "en", "next": target}, form_url="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.sqlite_only
def test_form_errors_are_dutch(client) -> None:
    response = post_form(client, "/auth/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Dit veld is vereist." in response.get_data(as_text=True)
