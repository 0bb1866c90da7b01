"""``python -m app.serve`` migrates, seeds the demo and really serves over HTTP."""

from __future__ import annotations

import gettext
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app import i18n, serve

ROOT = Path(__file__).resolve().parents[2]
LINK_CODE = "ZZZZ-ZZZZ-ZZZ2"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, deadline: float) -> str:
    """The body at ``url``, retrying until the server is up or ``deadline`` passes."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_migrates_seeds_and_serves_the_home_page(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WIJKSTEM_WORKERS": "1", "WIJKSTEM_ACCESS_LOG": "1",
           "WIJKSTEM_INSTANCE_PATH": str(tmp_path),
           "WIJKSTEM_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    env.pop("WIJKSTEM_SECRET_KEY", None)
    log = tmp_path / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen([sys.executable, "-m", "app.serve"], cwd=ROOT, env=env,
                                  stdout=sink, stderr=subprocess.STDOUT, text=True)
    try:
        home = fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
        login = fetch(f"http://127.0.0.1:{port}/auth/login", time.monotonic() + 5)
        with pytest.raises(urllib.error.HTTPError) as unknown:  # a letter link, wrong code
            urllib.request.urlopen(f"http://127.0.0.1:{port}/stemmen?code={LINK_CODE}",
                                   timeout=5)
        unknown.value.close()
        # granian writes an access line just after the response has gone out: wait for it.
        deadline = time.monotonic() + 10
        while '"GET /stemmen ' not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    output = log.read_text()
    assert "Lindenhof" in home and 'lang="nl"' in home
    assert 'name="csrf_token"' in login
    assert f"http://127.0.0.1:{port}/" in output
    assert "admin / demo-admin" in output and "commissie / demo-commissie" in output
    assert "Starting granian" in output
    # The access log (asked for here) shows the request, not the code in its query string.
    assert unknown.value.code == 400 and '"GET /stemmen HTTP/1.1" 400' in output
    assert LINK_CODE not in output
    assert (tmp_path / "secret_key").read_text().strip()


def test_no_access_log_unless_asked_for() -> None:
    assert not serve.server(8000, 2, 4, access_log=False).log_access
    assert serve.server(8000, 2, 4, access_log=True).log_access


def only_the_po(tmp_path: Path) -> Path:
    """A copy of the translations folder as a fresh checkout has it: no .mo files."""
    folder = tmp_path / "translations"
    for po_path in i18n.TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        target = folder / po_path.relative_to(i18n.TRANSLATIONS)
        target.parent.mkdir(parents=True)
        shutil.copyfile(po_path, target)
    return folder


def test_catalogues_are_compiled_when_missing_or_older_than_their_po(tmp_path: Path) -> None:
    folder = only_the_po(tmp_path)
    mo_path = folder / "nl" / "LC_MESSAGES" / "messages.mo"
    assert i18n.compile_catalogs(folder) == [mo_path]
    with mo_path.open("rb") as handle:
        dutch = gettext.GNUTranslations(handle)
    assert dutch.gettext("Vote with your voting code") == "Stemmen met uw stemcode"
    assert i18n.compile_catalogs(folder) == []  # up to date: left alone
    po_path = mo_path.with_suffix(".po")
    os.utime(po_path, (time.time() + 10, time.time() + 10))
    assert i18n.compile_catalogs(folder) == [mo_path]


def test_serve_compiles_the_catalogues_of_a_fresh_checkout(tmp_path: Path,
                                                           monkeypatch) -> None:
    # The run script's own compile step never worked (pybabel refused its -q): a fresh
    # checkout served every page in English.
    folder = only_the_po(tmp_path)
    monkeypatch.setattr(i18n, "TRANSLATIONS", folder)
    monkeypatch.setenv("WIJKSTEM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WIJKSTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.delenv("WIJKSTEM_SECRET_KEY", raising=False)
    serve.prepare()
    assert (folder / "nl" / "LC_MESSAGES" / "messages.mo").stat().st_size > 10_000


def test_a_catalogue_that_cannot_be_written_is_skipped_with_a_warning(tmp_path: Path,
                                                                       caplog) -> None:
    folder = only_the_po(tmp_path)
    mo_path = folder / "nl" / "LC_MESSAGES" / "messages.mo"
    mo_path.mkdir()  # in the way, as a read-only install would be
    os.utime(mo_path, (0, 0))  # and older than the .po
    assert i18n.compile_catalogs(folder) == []
    assert "cannot compile" in caplog.text
    assert sorted(p.name for p in mo_path.parent.iterdir()) == ["messages.mo", "messages.po"]
