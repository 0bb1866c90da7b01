"""Residents vote online: enter the stemcode, fill in the ballot, review, cast, confirmation.

No JavaScript and no account. Between the steps the signed session holds only
the code's keyed hash (never the code, never the answers); the review page
carries the answers back as hidden fields, and they are validated again before
casting. After casting the hash leaves the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict

from app.db import get_session
from app.errors import render_error
from app.extensions import limiter
from app.forms.vote import BallotForm, CodeForm, answers, ballot_fields, rank_slots
from app.models import Round, Wijk
from app.services import ballots, rounds, stemcodes
from app.services.errors import ServiceError, message
from app.views import form_page

bp = Blueprint("vote", __name__, url_prefix="/stemmen")

SESSION_KEY = "stemcode"
# used code -> 409 Conflict, closed round -> 403, busy database -> 503 (try again).
STATUS = {"code_unknown": 400, "code_used": 409, "code_not_open": 403, "busy": 503}


@bp.after_request
def no_store(response: Any) -> Any:
    """Voting pages stay out of caches and the back-button history of a shared phone."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(OperationalError)
def database_busy(_error: OperationalError) -> tuple[str, int]:
    """Database locked or unreachable for a moment: 503 "try again"; the code stays unused.

    ``cast_ballot`` maps this itself; here it covers the reads of the other steps
    (e.g. a PostgreSQL table lock that outlasts ``DATABASE_LOCK_TIMEOUT``).
    """
    get_session().rollback()
    if request.endpoint == "vote.cast":
        return problem(ServiceError("busy"), ballot_fields(request.form))
    return render_error(503, message(ServiceError("busy")))


def _code_limit() -> str:
    """The configured rate limit on code entry."""
    return current_app.config["CODE_RATE_LIMIT"]


def problem(error: ServiceError, fields: list | None = None) -> tuple[str, int]:
    """A page that explains why this code cannot vote (now); a busy one offers to retry."""
    return render_template("vote/problem.html", message=message(error), form=BallotForm(),
                           busy=error.code == "busy", fields=fields or []), \
        STATUS.get(error.code, 400)


def code_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The session holds the hash of an unused code of a round that takes votes now."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        digest = session.get(SESSION_KEY)
        if not isinstance(digest, str):
            return redirect(url_for(".enter_code"))
        try:
            _code, round_ = stemcodes.open_code(get_session(), digest)
        except ServiceError as error:
            if error.code != "code_not_open":
                session.pop(SESSION_KEY, None)
            return problem(error)
        return view(round_, digest, *args, **kwargs)
    return wrapped


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
def enter_code() -> ResponseReturnValue:
    """The resident types the code from their letter."""
    form = CodeForm()
    if not form.validate_on_submit():
        return form_page("vote/code.html", form)
    try:
        digest, _round = stemcodes.check_typed_code(get_session(), form.code.data)
    except ServiceError as error:
        form.code.errors.append(message(error))
        return render_template("vote/code.html", form=form), STATUS[error.code]
    session[SESSION_KEY] = digest
    return redirect(url_for(".ballot"))


def _ballot_page(round_: Round, items: list, data: MultiDict,
                 errors: dict | None = None) -> tuple[str, int]:
    """The ballot with every question, filled in with ``data``; 400 when it has errors."""
    messages = {i.question.id: ballots.ballot_message(i, errors[i.question.id])
                for i in items if errors and i.question.id in errors}
    wijk = get_session().get(Wijk, round_.wijk_id)
    return render_template("vote/ballot.html", form=BallotForm(), round=round_, wijk=wijk,
                           items=items, data=data, messages=messages, rank_slots=rank_slots,
                           budget=rounds.budget_cents(round_, wijk)), 400 if messages else 200


@bp.route("/stembiljet", methods=["GET", "POST"])
@code_required
def ballot(round_: Round, _digest: str) -> ResponseReturnValue:
    """The ballot (GET, or POST with ``edit`` from the review page), then the review."""
    items = ballots.ballot_questions(get_session(), round_)
    if request.method == "GET" or "edit" in request.form:
        return _ballot_page(round_, items, request.form)
    given = answers(request.form, items)
    errors = ballots.check_answers(items, given)
    if errors:
        return _ballot_page(round_, items, request.form, errors)
    lines = {i.question.id: ballots.describe(i, given[i.question.id]) for i in items}
    return render_template("vote/review.html", form=BallotForm(), round=round_, items=items,
                           lines=lines, fields=ballot_fields(request.form))


@bp.post("/uitbrengen")
@code_required
def cast(round_: Round, digest: str) -> ResponseReturnValue:
    """Casts the reviewed ballot: validated again, stored with the code marked used."""
    items = ballots.ballot_questions(get_session(), round_)
    given = answers(request.form, items)
    errors = ballots.check_answers(items, given)
    if errors:
        return _ballot_page(round_, items, request.form, errors)
    try:
        ballots.cast_ballot(get_session(), round_.id, digest, given)
    except ServiceError as error:
        return problem(error, ballot_fields(request.form))
    session.pop(SESSION_KEY, None)
    session["voted"] = round_.title
    return redirect(url_for(".done"))


@bp.get("/bedankt")
def done() -> str:
    """Confirmation that the vote was stored."""
    return render_template("vote/done.html", title=session.pop("voted", None))
