"""Dutch by default, English on request: one mechanism, Flask-Babel with gettext."""

import logging
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, request, session

from app.extensions import babel

# The catalogues: messages.po is kept in git, messages.mo is compiled from it.
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogs(folder: Path | None = None) -> list[Path]:
    """Compiles every ``messages.po`` below ``folder`` (default ``TRANSLATIONS``) whose
    ``.mo`` is missing or older; returns the ``.mo`` files written.

    Without its ``.mo`` Flask-Babel shows the English of the code: ``python -m
    app.serve`` and the test suite call this before anything is shown. Each file is
    written under a temporary name and renamed, so processes starting together (test
    workers, server workers) never read half a catalogue.
    """
    written = []
    for po_path in sorted((folder or TRANSLATIONS).glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        partial = mo_path.with_suffix(f".mo.{os.getpid()}")
        try:
            with partial.open("wb") as handle:
                write_mo(handle, catalog)
            os.replace(partial, mo_path)
        except OSError as error:  # e.g. installed read-only: serve what is there
            logging.getLogger(__name__).warning("cannot compile %s: %s", po_path, error)
            partial.unlink(missing_ok=True)
            continue
        written.append(mo_path)
    return written


def select_locale() -> str:
    """The language chosen in the session, else the configured default (nl)."""
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A local path to go back to; anything pointing off-site becomes ``fallback``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def init_app(app: Flask) -> None:
    """Binds Flask-Babel and makes the current language available to templates."""
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language() -> dict[str, str]:
        return {"current_language": select_locale(), "current_path": return_path()}


def return_path() -> str:
    """Where the language switch leads back to: this page, or what a view set in
    ``g.return_path``. A stemcode in the query string (a letter's link) is never
    carried on: the page is then named without its query."""
    if g.get("return_path"):
        return g.return_path
    if "code" in request.args:
        return request.path
    return request.full_path.rstrip("?")
