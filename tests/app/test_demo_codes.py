"""Demo stemcodes: ./scripts/run prints five when it seeds, ``python -m app.demo_codes N``
issues more, and a printed code really opens the demo Wijktop-3 ballot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app import create_app, demo_codes, serve
from app.db import EXTENSION

CODE = re.compile(r"^  ([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})\b", re.M)

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty SQLite database and instance folder, as ./scripts/run would find them."""
    monkeypatch.setenv("WIJKSTEM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WIJKSTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("WIJKSTEM_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.delenv("WIJKSTEM_SECRET_KEY", raising=False)
    return tmp_path


def opens_the_demo_ballot(code: str) -> bool:
    """True when the code, typed on the code page, leads to the demo round's ballot."""
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client = app.test_client()
        response = client.post("/stemmen", data={"code": code.lower().replace("-", " ")})
        if response.status_code != 302:
            return False
        return "Wijktop-3 Lindenhof" in client.get("/stemmen/stembiljet").get_data(as_text=True)
    finally:
        app.extensions[EXTENSION].dispose()


def test_seeding_issues_five_codes_once_and_they_vote(demo_env, capsys) -> None:
    base_url, seeded, codes = serve.prepare()
    assert seeded and len(set(codes)) == 5
    assert all(CODE.match(f"  {code}") for code in codes)
    printed = demo_codes.describe(codes, base_url)
    assert CODE.findall(printed) == codes
    assert "http://127.0.0.1:8000/stemmen" in printed and "app.demo_codes" in printed
    assert all(f"http://127.0.0.1:8000/stemmen?code={code}" in printed for code in codes)
    assert serve.prepare()[1:] == (False, [])
    assert opens_the_demo_ballot(codes[0])
    app = create_app()
    with Session(app.extensions[EXTENSION]) as session:
        stored = session.exec(text("SELECT code_hash FROM stemcode")).all()
        dump = "\n".join(session.connection().connection.iterdump())
    app.extensions[EXTENSION].dispose()
    assert len(stored) == 5
    assert not [c for c in codes if c in dump or c.replace("-", "") in dump]


def test_command_issues_more_codes_and_refuses_bad_counts(demo_env, capsys) -> None:
    serve.prepare()
    assert demo_codes.main(["3"]) == 0
    codes = CODE.findall(capsys.readouterr().out)
    assert len(codes) == 3 and opens_the_demo_ballot(codes[2])
    for bad in (["0"], ["101"], ["abc"], ["1", "2"]):
        assert demo_codes.main(bad) == 2
        assert "usage" in capsys.readouterr().err


def test_command_without_a_demo_says_so(demo_env, capsys) -> None:
    from app import migrate

    migrate.upgrade(f"sqlite:///{demo_env / 'demo.db'}")
    assert demo_codes.main([]) == 1
    assert "no demo" in capsys.readouterr().err
