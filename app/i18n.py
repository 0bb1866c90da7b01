"""Dutch by default, English on request: one mechanism, Flask-Babel with gettext."""

from flask import Flask, current_app, g, request, session

from app.extensions import babel


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
