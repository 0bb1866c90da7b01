"""Login, logout, rate limiting and CSRF on the login form."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import Account
from tests.app.conftest import ACCOUNTS, PASSWORD, csrf_token, post_form


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_every_role_can_log_in_and_out(client, auth, username: str) -> None:
    response = auth.login(username)
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session.get("_user_id")
    response = auth.logout()
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.parametrize("username,password", [
    ("admin", "wrong"), ("nobody", PASSWORD), ("ADMIN ", "wrong"), ("admin", ""),
])
def test_wrong_credentials_are_refused_in_dutch(client, auth, username: str,
                                                password: str) -> None:
    response = auth.login(username, password)
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session
    page = response.get_data(as_text=True)
    assert "Onbekende gebruikersnaam of onjuist wachtwoord." in page or "vereist" in page


def test_username_is_case_insensitive(client, auth) -> None:
    assert auth.login("Committee-A1").status_code == 302


def test_deactivated_account_cannot_log_in(client, auth, db) -> None:
    account = db.exec(select(Account).where(Account.username == "official-b")).one()
    account.active = False
    db.add(account)
    db.commit()
    assert auth.login("official-B").status_code == 400


@pytest.mark.sqlite_only
def test_login_without_csrf_token_is_refused(client) -> None:
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.sqlite_only
def test_login_with_a_forged_csrf_token_is_refused(client) -> None:
    csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD,
                                                "csrf_token": "forged"})
    assert response.status_code == 400


@pytest.mark.sqlite_only
def test_login_follows_a_local_next_but_not_a_foreign_one(client) -> None:
    response = post_form(client, "/auth/login?next=/auth/login",
                         {"username": "admin", "password": PASSWORD, "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    response = post_form(client, "/auth/login", {"username": "admin", "password": PASSWORD,
                                                 "next": "https://evil.example/"})
    assert "evil" not in response.headers["Location"]


@pytest.mark.sqlite_only
def test_logout_needs_post(client, auth) -> None:
    auth.login("admin")
    assert client.get("/auth/logout").status_code == 405
    with client.session_transaction() as session:
        assert session.get("_user_id")


@pytest.mark.sqlite_only
def test_login_is_rate_limited(app, client) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    token = csrf_token(client, "/auth/login")
    statuses = [client.post("/auth/login", data={"username": "admin", "password": "x",
                                                 "csrf_token": token}).status_code
                for _ in range(5)]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429]
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 429, "the right password must not get through either"
    assert "Te veel pogingen" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_session_cookie_is_httponly_and_lax(client, auth) -> None:
    response = auth.login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
