"""Administrator area: stadsdelen, wijken by form and CSV, accounts; bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import Account, AuditEvent, Stadsdeel, Wijk
from tests.app.conftest import PASSWORD, page_text, post_form, snapshot


@pytest.fixture
def admin(auth):
    """The client logged in as admin."""
    auth.login("admin")
    return auth._client


def wijk_named(db, name: str) -> Wijk | None:
    """The wijk with this name, freshly read."""
    db.expire_all()
    return db.exec(select(Wijk).where(Wijk.name == name)).first()


def test_admin_adds_and_renames_a_stadsdeel(admin, db) -> None:
    response = post_form(admin, "/admin/stadsdelen", {"name": "Stadsdeel C"})
    assert response.status_code == 302
    created = db.exec(select(Stadsdeel).where(Stadsdeel.name == "Stadsdeel C")).one()
    response = post_form(admin, f"/admin/stadsdelen/{created.id}/edit", {"name": "Centrum"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Stadsdeel, created.id).name == "Centrum"


def test_duplicate_stadsdeel_name_is_refused(admin, app) -> None:
    before = snapshot(app)
    response = post_form(admin, "/admin/stadsdelen", {"name": "Stadsdeel A"})
    assert response.status_code == 400
    assert "Deze naam is al in gebruik." in page_text(response)
    assert snapshot(app) == before


def test_admin_adds_and_edits_a_wijk(admin, db, world) -> None:
    data = {"stadsdeel_id": world["stadsdeel_B"], "name": "Nieuwwijk", "code": "wk0999",
            "inhabitants": "0", "postcodes": "9999, 9998ab 9999"}
    assert post_form(admin, "/admin/wijken/new", data).status_code == 302
    wijk = wijk_named(db, "Nieuwwijk")
    assert (wijk.code, wijk.inhabitants, wijk.postcodes) == ("WK0999", 0, "9998AB 9999")
    data.update(inhabitants="12345", name="Nieuwe Wijk")
    assert post_form(admin, f"/admin/wijken/{wijk.id}/edit", data).status_code == 302
    assert wijk_named(db, "Nieuwe Wijk").inhabitants == 12345
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "wijk.saved")).all()


GOOD_WIJK = {"name": "Goedwijk", "code": "", "inhabitants": "100", "postcodes": "9700"}
BAD_WIJKEN = [
    ("inhabitants", "-5"), ("inhabitants", "abc"), ("inhabitants", "99999999999999999999"),
    ("inhabitants", ""), ("name", ""), ("name", "x" * 101),
    ("name", "<script>alert(1)</script>"), ("postcodes", "12345"), ("postcodes", "<b>9700</b>"),
    ("code", "WK-01"), ("code", "WK9A1"), ("name", "Wijk A1"), ("stadsdeel_id", "999999"),
    ("stadsdeel_id", "abc"),
]


@pytest.mark.parametrize("field,value", BAD_WIJKEN)
def test_bad_wijk_input_is_refused_in_dutch_and_changes_nothing(admin, app, world, field: str,
                                                                value: str) -> None:
    data = {**GOOD_WIJK, "stadsdeel_id": world["stadsdeel_A"], field: value}
    before = snapshot(app)
    response = post_form(admin, "/admin/wijken/new", data)
    assert response.status_code == 400
    page = page_text(response)
    assert "Verbeter het volgende" in page and 'lang="nl"' in page
    assert "<script>alert" not in page
    assert snapshot(app) == before


def upload(client, content: bytes, stadsdeel_id: int = 0):
    """Posts a CSV file to the import form."""
    import io

    return post_form(client, "/admin/wijken/import",
                     {"file": (io.BytesIO(content), "wijken.csv"), "stadsdeel_id": stadsdeel_id},
                     content_type="multipart/form-data")


def test_csv_import_creates_and_updates_in_one_go(admin, db, world) -> None:
    content = ("\ufeffwijk;code;inwoners;stadsdeel;postcodes\n"
               "Wijk A1;;1.500;Stadsdeel A;9700\n"
               "Paddepoel;WK001401;9 120;Noordwest;9742 9743\n"
               "\n"
               "Selwerd;WK001402;8000;Noordwest;\n").encode()
    response = upload(admin, content)
    assert response.status_code == 302, page_text(response)
    assert wijk_named(db, "Wijk A1").inhabitants == 1500
    assert wijk_named(db, "Paddepoel").inhabitants == 9120
    assert wijk_named(db, "Selwerd").postcodes == ""
    assert db.exec(select(Stadsdeel).where(Stadsdeel.name == "Noordwest")).one()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "wijken.imported")).one()
    assert (event.details["created"], event.details["updated"]) == (2, 1)


def test_csv_import_understands_cbs_columns_commas_and_windows_encoding(admin, db,
                                                                        world) -> None:
    content = ("gwb_code,regio,aantal_inwoners\n"
               "WK001403,Hoogkerk-Zuid,4321\n").encode("cp1252")
    response = upload(admin, content + "WK001404,Café-wijk,10\n".encode("cp1252"),
                      stadsdeel_id=world["stadsdeel_B"])
    assert response.status_code == 302
    assert wijk_named(db, "Café-wijk").stadsdeel_id == world["stadsdeel_B"]


def test_csv_with_bad_rows_reports_every_line_and_imports_nothing(admin, app) -> None:
    content = (b"wijk;inwoners;stadsdeel;postcodes\n"
               b"Goed;100;Stadsdeel A;9700\n"          # line 2 fine
               b"Negatief;-4;Stadsdeel A;\n"           # line 3
               b";100;Stadsdeel A;\n"                  # line 4
               b"Tekst;veel;Stadsdeel A;\n"            # line 5
               b"Postcode;10;Stadsdeel A;97\n"         # line 6
               b"Goed;200;Stadsdeel A;\n"              # line 7 duplicate of line 2
               b"Geen stadsdeel;10;;\n"                # line 8
               b"Te veel;1;Stadsdeel A;9700;extra\n"   # line 9
               b"Enorm;99999999999;Stadsdeel A;\n")  # line 10
    before = snapshot(app)
    response = upload(admin, content)
    assert response.status_code == 400
    page = page_text(response)
    for line in (3, 4, 5, 6, 7, 8, 9, 10):
        assert f"Regel {line}:" in page
    assert "Regel 2:" not in page
    assert "Er is niets geïmporteerd" in page
    assert snapshot(app) == before


@pytest.mark.parametrize("content,line", [
    (b"naam;aantal\nA;1\n", 1),                          # required columns missing
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", 1),             # binary
    (b"wijk;inwoners\n", 1),                            # no rows
    (b"wijk;inwoners\n\"open;1\n", 2),                  # unterminated quote: read as one bad row
])
def test_unusable_csv_files_are_refused(admin, app, content: bytes, line: int) -> None:
    before = snapshot(app)
    response = upload(admin, content)
    assert response.status_code == 400
    assert f"Regel {line}:" in page_text(response)
    assert snapshot(app) == before


def test_import_without_a_file_is_refused(admin, app) -> None:
    before = snapshot(app)
    response = post_form(admin, "/admin/wijken/import", {"stadsdeel_id": 0})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_admin_creates_accounts_with_the_right_scope(admin, db, world) -> None:
    data = {"username": "nieuw-lid", "name": "Nieuw Lid", "email": "", "role": "committee",
            "stadsdeel_id": 0, "wijk_id": world["wijk_B1"], "password": "lang-genoeg-1"}
    assert post_form(admin, "/admin/accounts/new", data).status_code == 302
    account = db.exec(select(Account).where(Account.username == "nieuw-lid")).one()
    assert (account.role, account.wijk_id, account.stadsdeel_id) == (
        "committee", world["wijk_B1"], None)
    assert account.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("changes,message", [
    ({"role": "committee", "wijk_id": 0}, "Een commissielid hoort bij een wijk."),
    ({"role": "official", "stadsdeel_id": 0}, "Een ambtenaar hoort bij een stadsdeel."),
    ({"username": "ADMIN"}, "Deze gebruikersnaam is al in gebruik."),
    ({"password": "kort"}, "Verbeter het volgende"),
    ({"username": "<script>"}, "Verbeter het volgende"),
    ({"email": "geen-adres"}, "Verbeter het volgende"),
    ({"role": "superuser"}, "Verbeter het volgende"),
    ({"wijk_id": "999999", "role": "committee"}, "Verbeter het volgende"),
])
def test_bad_accounts_are_refused(admin, app, world, changes: dict, message: str) -> None:
    data = {"username": "iemand", "name": "Iemand", "email": "", "role": "official",
            "stadsdeel_id": world["stadsdeel_A"], "wijk_id": 0, "password": "lang-genoeg-1",
            **changes}
    before = snapshot(app)
    response = post_form(admin, "/admin/accounts/new", data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert snapshot(app) == before


def test_admin_edits_and_deactivates_an_account(admin, db, world, auth) -> None:
    account_id = world["account_official-B"]
    data = {"name": "Ambtenaar B", "email": "b@example.org", "role": "official",
            "stadsdeel_id": world["stadsdeel_B"], "wijk_id": 0, "password": ""}
    assert post_form(admin, f"/admin/accounts/{account_id}/edit", data).status_code == 302
    db.expire_all()
    assert db.get(Account, account_id).active is False  # unchecked box: deactivated
    auth.logout()
    assert auth.login("official-B").status_code == 400


def test_admin_cannot_demote_themselves(admin, app, world) -> None:
    data = {"name": "admin", "email": "", "role": "official", "active": "y",
            "stadsdeel_id": world["stadsdeel_A"], "wijk_id": 0, "password": ""}
    before = snapshot(app)
    response = post_form(admin, f"/admin/accounts/{world['account_admin']}/edit", data)
    assert response.status_code == 400
    assert "eigen beheerdersrechten" in page_text(response)
    assert snapshot(app) == before


def test_password_change_takes_effect(admin, world, auth) -> None:
    data = {"name": "c", "email": "", "role": "committee", "active": "y", "stadsdeel_id": 0,
            "wijk_id": world["wijk_A2"], "password": "een-nieuw-wachtwoord"}
    url = f"/admin/accounts/{world['account_committee-A2']}/edit"
    assert post_form(admin, url, data).status_code == 302
    auth.logout()
    assert auth.login("committee-A2", PASSWORD).status_code == 400
    assert auth.login("committee-A2", "een-nieuw-wachtwoord").status_code == 302


ADMIN_FORMS = [
    ("/admin/stadsdelen", {"name": "Zonder token"}),
    ("/admin/stadsdelen/{stadsdeel_A}/edit", {"name": "Zonder token"}),
    ("/admin/wijken/new", {"stadsdeel_id": "{stadsdeel_A}", "name": "X", "inhabitants": "1"}),
    ("/admin/wijken/{wijk_A1}/edit", {"stadsdeel_id": "{stadsdeel_A}", "name": "X",
                                      "inhabitants": "1"}),
    ("/admin/wijken/import", {"stadsdeel_id": "0"}),
    ("/admin/accounts/new", {"username": "zonder", "name": "Z", "role": "admin",
                             "password": "lang-genoeg-1"}),
    ("/admin/accounts/{account_official-A}/edit", {"name": "Z", "role": "admin"}),
]


@pytest.mark.parametrize("url,data", ADMIN_FORMS, ids=[u for u, _ in ADMIN_FORMS])
@pytest.mark.parametrize("token", ["missing", "forged"])
def test_admin_forms_require_a_csrf_token(admin, app, world, url: str, data: dict,
                                          token: str) -> None:
    url = url.format(**world)
    data = {k: v.format(**world) for k, v in data.items()}
    if token == "forged":
        data["csrf_token"] = "Ijk3YjMxNGEw.forged.token"
    before = snapshot(app)
    response = admin.post(url, data=data)
    assert response.status_code == 400
    assert "Het formulier is verlopen" in page_text(response)
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["committee-A1", "official-A"])
def test_non_admins_are_kept_out(auth, client, who: str) -> None:
    auth.login(who)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/wijken/import").status_code == 403
