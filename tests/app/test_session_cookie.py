"""The session cookie (app/session_cookie.py): signed as Flask signs it, not compressed,
and cookies from Flask's own interface or an older key still read."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.db import EXTENSION
from tests.app.conftest import TEST_CONFIG, page_text


def cookie_of(client) -> str:
    """The session cookie the client holds."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def flask_cookie(app: Flask, data: dict, key: str) -> str:
    """A session cookie as Flask's own interface makes it, signed with ``key``."""
    signing = Flask(__name__)
    signing.config.update(SECRET_KEY=key, SECRET_KEY_FALLBACKS=[])
    return SecureCookieSessionInterface().get_signing_serializer(signing).dumps(data)


def test_the_session_is_signed_and_not_compressed(client) -> None:
    with client.session_transaction() as session:
        session["padding"] = "x" * 200  # Flask's own interface would compress this
    client.get("/auth/login")  # a form: the CSRF token goes into the session
    value = cookie_of(client)
    assert not value.startswith("."), "a leading dot marks a zlib-compressed payload"
    client.set_cookie("session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = client.post("/auth/login", data={"username": "admin", "password": "x"})
    assert response.status_code == 400  # the forged cookie holds no CSRF token


def test_cookies_from_flask_and_from_an_older_key_are_read(database) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0],
                      "SECRET_KEY": "the new key", "SECRET_KEY_FALLBACKS": ["the old key"]})
    try:
        # Long enough that Flask's interface compresses it (its cookie starts with a dot).
        english = {"lang": "en", "padding": "x" * 200}
        for key in ("the new key", "the old key"):
            value = flask_cookie(app, english, key)
            assert value.startswith(".")
            client = app.test_client()
            client.set_cookie("session", value)
            assert 'lang="en"' in page_text(client.get("/"))
        client = app.test_client()
        client.set_cookie("session", flask_cookie(app, english, "someone else's key"))
        assert 'lang="nl"' in page_text(client.get("/"))
    finally:
        app.extensions[EXTENSION].dispose()
