"""Staff login and logout, and the language switch for everyone."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.db import get_session
from app.forms.auth import LANGUAGE_NAMES, LanguageForm, LoginForm
from app.i18n import safe_next
from app.ratelimit import rate_limited
from app.services import accounts

bp = Blueprint("auth", __name__, url_prefix="/auth")

HOME_BY_ROLE = {"admin": "admin.index", "committee": "committee.index",
                "official": "official.index"}


def _home_of(role: str) -> str:
    """Where an account of ``role`` starts (the front page until its area exists)."""
    endpoint = HOME_BY_ROLE.get(role, "")
    return url_for(endpoint) if endpoint in current_app.view_functions else "/"


@bp.route("/login", methods=["GET", "POST"])
@rate_limited("LOGIN_RATE_LIMIT", "login", counts=lambda: request.method == "POST")
def login() -> ResponseReturnValue:
    """Login form for committee members, officials and administrators."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status
    account = accounts.authenticate(get_session(), form.username.data, form.password.data)
    if account is None:
        form.password.errors.append(_("Unknown username or wrong password."))
        return render_template("auth/login.html", form=form), 400
    session.clear()  # a fresh session on login: no fixation
    login_user(account)
    return redirect(safe_next(form.next.data, _home_of(account.role)))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends the staff session (POST, so that a link elsewhere cannot log you out)."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "info")
    return redirect("/")


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Stores the chosen language in the session and goes back."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data))


@bp.app_context_processor
def header_languages() -> dict[str, object]:
    """The choices of the language switch in every page header (plain HTML there: a
    LanguageForm per page cost a third of a small page's CPU time)."""
    return {"language_names": LANGUAGE_NAMES}
