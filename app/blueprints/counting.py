"""Gebiedsteam: count a round's votes, confirm the count (a second official), publish it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from app.access import official_of_stadsdeel
from app.blueprints.results import helpers
from app.db import get_session
from app.forms.counting import ConfirmCountForm, DiscardCountForm, PublishForm, RunCountForm
from app.models import Account, Question, Round, Wijk
from app.services import counting, results
from app.services.errors import ServiceError
from app.views import form_page, refused

bp = Blueprint("counting", __name__, url_prefix="/official")
bp.context_processor(helpers)

TEMPLATE = "counting/overview.html"


def _context(round_id: int) -> dict[str, Any]:
    """What the counting page shows: the round, its turnout and its counts so far."""
    session = get_session()
    round_ = session.get(Round, round_id)
    counts = counting.counts_of(session, round_id)
    ballots, codes = counting.turnout(session, round_id)
    ids = {c.counted_by for c in counts} | {c.confirmed_by for c in counts if c.confirmed_by}
    people = {a.id: a.name for a in session.exec(select(Account).where(Account.id.in_(ids)))}
    return {"round": round_, "wijk": session.get(Wijk, round_.wijk_id),
            "items": results.question_results(session, counts, get_locale().language),
            "ballots": ballots,
            "codes": codes, "people": people, "fingerprint": counting.fingerprint(counts),
            "counted_by_me": any(c.counted_by == current_user.id for c in counts),
            "status": counts[0].status if counts else None,
            "run_form": RunCountForm(), "confirm_form": ConfirmCountForm(),
            "publish_form": PublishForm(), "discard_form": DiscardCountForm()}


def _step(form_name: str, form: Any, round_id: int, action: Any, done: str) -> ResponseReturnValue:
    """Validates ``form``, runs the service ``action``; the page again (400) when refused."""
    context = {**_context(round_id), form_name: form}
    if not form.validate_on_submit():
        return form_page(TEMPLATE, form, **context)
    try:
        action(get_session(), context["round"], current_user.id)
    except ServiceError as error:
        return refused(TEMPLATE, form, error, **context)
    flash(done, "info")
    return redirect(url_for("counting.overview", round_id=round_id))


@bp.get("/rounds/<int:round_id>/count")
@official_of_stadsdeel
def overview(round_id: int) -> str:
    """The count of a round: run it, check it, confirm it, publish it."""
    return render_template(TEMPLATE, **_context(round_id))


@bp.post("/rounds/<int:round_id>/count/run")
@official_of_stadsdeel
def run(round_id: int) -> ResponseReturnValue:
    """Counts every question of the round and stores the results (not yet public)."""
    return _step("run_form", RunCountForm(), round_id, counting.run_count,
                 _("The votes have been counted. A second official must now confirm the result."))


@bp.post("/rounds/<int:round_id>/count/confirm")
@official_of_stadsdeel
def confirm(round_id: int) -> ResponseReturnValue:
    """The second, different official confirms the result shown."""
    form = ConfirmCountForm()

    def action(session, round_, actor_id):
        return counting.confirm_count(session, round_, actor_id, form.fingerprint.data)

    return _step("confirm_form", form, round_id, action,
                 _("The count has been confirmed. It can now be published."))


@bp.post("/rounds/<int:round_id>/count/publish")
@official_of_stadsdeel
def publish(round_id: int) -> ResponseReturnValue:
    """Publishes the confirmed result: the round moves to its published phase."""
    return _step("publish_form", PublishForm(), round_id, counting.publish,
                 _("The result has been published."))


@bp.post("/rounds/<int:round_id>/count/discard")
@official_of_stadsdeel
def discard(round_id: int) -> ResponseReturnValue:
    """Throws away an unpublished count (logged with its reason) so it can be counted again."""
    form = DiscardCountForm()

    def action(session, round_, actor_id):
        return counting.discard_count(session, round_, actor_id, form.reason.data)

    return _step("discard_form", form, round_id, action,
                 _("The count has been discarded. The round can be counted again."))


@bp.get("/questions/<int:question_id>/count/ballots")
@official_of_stadsdeel
def ballots_file(question_id: int) -> Response:
    """The anonymised ballot file of a count, for officials to re-tally before confirming."""
    session = get_session()
    question = session.get(Question, question_id)
    found = [c for c in counting.counts_of(session, question.round_id)
             if c.question_id == question_id]
    if not found:
        abort(404)
    response = Response(found[0].ballots_file, mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="{found[0].ballots_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
