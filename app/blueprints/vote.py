"""Residents vote online: enter the stemcode, fill in the ballot, review, cast, confirmation.

The code is typed on the code page, or comes in the link (and QR code) printed on
the letter, ``/stemmen?code=K7MR-9XWQ-H3TD``, which opens the ballot at once.
That page is sent with ``Referrer-Policy: no-referrer`` so that the code does not
travel on in a Referer header, and the access log leaves query strings out.
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
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict

from app.db import get_session, is_unavailable, statements_commit_alone
from app.errors import RETRY_AFTER, after_database_failure, handle_unexpected, render_error
from app.forms.vote import BallotForm, CodeForm, answers, ballot_fields, rank_slots
from app.models import Round, Wijk
from app.ratelimit import rate_limited
from app.services import ballots, rounds, stemcodes
from app.services.errors import ServiceError, message
from app.shared_pages import shared_page
from app.views import form_page

bp = Blueprint("vote", __name__, url_prefix="/stemmen")

SESSION_KEY = "stemcode"
# used code -> 409 Conflict, closed round -> 403, busy database -> 503 (try again).
STATUS = {"code_unknown": 400, "code_used": 409, "code_not_open": 403, "busy": 503}


@bp.before_request
def single_statement_writes() -> None:
    """The voting flow reads, and writes only the cast, one statement on PostgreSQL
    (``ballots.cast_ballot``): no transaction around each statement needed."""
    statements_commit_alone()


@bp.after_request
def no_store(response: Any) -> Any:
    """Voting pages stay out of caches and the back-button history of a shared phone;
    every answer to a letter's link (ballot, error, 429, 503) keeps its URL, which holds
    the code, out of Referer headers."""
    response.headers["Cache-Control"] = "no-store"
    if "code" in request.args:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.errorhandler(OperationalError)
def database_busy(error: OperationalError) -> Any:
    """Database locked or unreachable for a moment: 503 "try again"; the code stays unused.

    ``cast_ballot`` maps this itself; here it covers the reads of the other steps
    (e.g. a PostgreSQL table lock that outlasts ``DATABASE_LOCK_TIMEOUT``).
    """
    if not is_unavailable(error):
        return handle_unexpected(error)
    after_database_failure(error)
    if request.endpoint == "vote.cast":
        return (*problem(ServiceError("busy"), ballot_fields(request.form)), RETRY_AFTER)
    return (*render_error(503, message(ServiceError("busy"))), RETRY_AFTER)


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
            round_, wijk = stemcodes.open_code(get_session(), digest)
        except ServiceError as error:
            if error.code != "code_not_open":
                session.pop(SESSION_KEY, None)
            return problem(error)
        return view(round_, wijk, digest, *args, **kwargs)
    return wrapped


def _code_given() -> bool:
    """False for the plain code page: a GET without a code in the link is no code entry."""
    return request.method == "POST" or "code" in request.args


@bp.route("", methods=["GET", "POST"])
@rate_limited("CODE_RATE_LIMIT", "stemcode-entry", counts=_code_given)
def enter_code() -> ResponseReturnValue:
    """The resident types the code from their letter, or follows the letter's link."""
    if request.method == "GET" and "code" in request.args:
        return _open_by_link(request.args["code"])
    form = CodeForm()
    if request.method == "GET":  # the same empty code page for everyone
        return shared_page(("code",), lambda: render_template("vote/code.html", form=form))
    if not form.validate_on_submit():
        return form_page("vote/code.html", form)
    try:
        digest, _round, _wijk = stemcodes.check_typed_code(get_session(), form.code.data)
    except ServiceError as error:
        form.code.errors.append(message(error))
        return render_template("vote/code.html", form=form), STATUS[error.code]
    session[SESSION_KEY] = digest
    return redirect(url_for(".ballot"))


def _open_by_link(text: str) -> ResponseReturnValue:
    """The letter's link: the ballot at once for a usable code, else the code page."""
    try:
        digest, round_, wijk = stemcodes.check_typed_code(get_session(), text[:40])
    except ServiceError as error:
        form = CodeForm(formdata=None, code=text[:40])
        form.code.errors = [message(error)]  # a tuple until the form is validated
        page, status = render_template("vote/code.html", form=form), STATUS[error.code]
    else:
        session[SESSION_KEY] = digest
        g.return_path = url_for(".ballot")  # the language switch leads back without the code
        page, status = _ballot_page(round_, wijk, MultiDict())
    return page, status


def _ballot_page(round_: Round, wijk: Wijk, data: MultiDict,
                 errors: dict | None = None) -> tuple[str, int]:
    """The ballot with every question, filled in with ``data``; 400 when it has errors.
    A blank ballot of a round that takes votes is the same for every voter: shared."""
    budget = rounds.budget_cents(round_, wijk)
    if data or errors or round_.phase != "voting":
        return _render_ballot(round_, wijk, budget, data, errors)
    return shared_page(("ballot", round_.id, budget),
                       lambda: _render_ballot(round_, wijk, budget, data, None)[0]), 200


def _render_ballot(round_: Round, wijk: Wijk, budget: int, data: MultiDict,
                   errors: dict | None) -> tuple[str, int]:
    """The ballot page rendered for this request."""
    items = ballots.ballot_questions(get_session(), round_, wijk)
    messages = {i.question.id: ballots.ballot_message(i, errors[i.question.id])
                for i in items if errors and i.question.id in errors}
    return render_template("vote/ballot.html", form=BallotForm(), round=round_, wijk=wijk,
                           items=items, data=data, messages=messages, rank_slots=rank_slots,
                           budget=budget), 400 if messages else 200


@bp.route("/stembiljet", methods=["GET", "POST"])
@code_required
def ballot(round_: Round, wijk: Wijk, _digest: str) -> ResponseReturnValue:
    """The ballot (GET, or POST with ``edit`` from the review page), then the review."""
    if request.method == "GET" or "edit" in request.form:
        return _ballot_page(round_, wijk, request.form)
    items = ballots.ballot_questions(get_session(), round_, wijk)
    given = answers(request.form, items)
    errors = ballots.check_answers(items, given)
    if errors:
        return _ballot_page(round_, wijk, request.form, errors)
    lines = {i.question.id: ballots.describe(i, given[i.question.id]) for i in items}
    return render_template("vote/review.html", form=BallotForm(), round=round_, items=items,
                           lines=lines, fields=ballot_fields(request.form))


@bp.post("/uitbrengen")
@code_required
def cast(round_: Round, wijk: Wijk, digest: str) -> ResponseReturnValue:
    """Casts the reviewed ballot: validated again, stored with the code marked used."""
    items = ballots.ballot_questions(get_session(), round_, wijk)
    given = answers(request.form, items)
    errors = ballots.check_answers(items, given)
    if errors:
        return _ballot_page(round_, wijk, request.form, errors)
    title = round_.title  # read before casting, which ends the session's transaction
    try:
        ballots.cast_ballot(get_session(), round_.id, digest, given)
    except ServiceError as error:
        return problem(error, ballot_fields(request.form))
    session.pop(SESSION_KEY, None)
    session["voted"] = title
    return redirect(url_for(".done"))


@bp.get("/bedankt")
def done() -> str:
    """Confirmation that the vote was stored."""
    title = session.pop("voted", None)
    return shared_page(("done", title), lambda: render_template("vote/done.html", title=title))
