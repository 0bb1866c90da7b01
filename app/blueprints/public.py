"""Residents' area, no account needed: browse rounds and initiatives, submit, support."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from app.db import get_session
from app.forms.committee import PHASE_LABELS, ROUND_KIND_LABELS
from app.forms.initiative import STATUS_LABELS, InitiativeForm, SearchForm
from app.forms.support import ConfirmSupportForm, SupportForm
from app.models import Initiative, Round, Stadsdeel, Wijk
from app.services import initiatives, reviews, rounds, supports
from app.services.errors import ServiceError
from app.views import form_page, refused

bp = Blueprint("public", __name__)


@bp.context_processor
def labels() -> dict[str, object]:
    """Names of phases, kinds and statuses for the templates."""
    return {"phase_labels": PHASE_LABELS, "round_kind_labels": ROUND_KIND_LABELS,
            "status_labels": STATUS_LABELS}


def _public_round(round_id: int) -> Round:
    """A round residents may see; 404 for drafts and unknown ids."""
    round_ = get_session().get(Round, round_id)
    if round_ is None or not initiatives.is_public(round_):
        abort(404)
    return round_


def _public_initiative(initiative_id: int) -> tuple[Initiative, Round]:
    """An initiative of a public round, with its round."""
    initiative = get_session().get(Initiative, initiative_id)
    if initiative is None:
        abort(404)
    return initiative, _public_round(initiative.round_id)


@bp.get("/wijken")
def wijken() -> str:
    """Stadsdelen with their wijken."""
    session = get_session()
    return render_template("public/wijken.html",
                           stadsdelen=session.exec(select(Stadsdeel).order_by(Stadsdeel.name)),
                           wijken=list(session.exec(select(Wijk).order_by(Wijk.name))))


@bp.get("/wijk/<int:wijk_id>")
def wijk(wijk_id: int) -> str:
    """The rounds of one wijk."""
    session = get_session()
    found = session.get(Wijk, wijk_id) or abort(404)
    return render_template("public/wijk.html", wijk=found,
                           stadsdeel=session.get(Stadsdeel, found.stadsdeel_id),
                           rounds=initiatives.public_rounds(session, wijk_id))


@bp.get("/ronde/<int:round_id>", endpoint="round")
def round_page(round_id: int) -> ResponseReturnValue:
    """A round with its initiatives, searchable and filtered by status."""
    session, found = get_session(), _public_round(round_id)
    form = SearchForm(formdata=request.args)
    valid = form.validate()
    items = initiatives.initiatives_of(session, round_id, search=form.q.data or "",
                                       status=form.status.data or "") if valid else []
    ids = [item.id for item in items]
    wijk_ = session.get(Wijk, found.wijk_id)
    return render_template(
        "public/round.html", round=found, wijk=wijk_, form=form, initiatives=items,
        totals=initiatives.totals(session, ids), counts=supports.support_counts(session, ids),
        budget=rounds.budget_cents(found, wijk_), questions=rounds.questions(session, round_id),
        stembureaus=rounds.stembureaus(session, round_id)), 200 if valid else 400


@bp.route("/ronde/<int:round_id>/indienen", methods=["GET", "POST"])
def submit(round_id: int) -> ResponseReturnValue:
    """The form to submit an initiative while the round takes submissions."""
    found = _public_round(round_id)
    form = InitiativeForm()
    context = {"round": found, "wijk": get_session().get(Wijk, found.wijk_id)}
    if request.method == "POST" and form.wants_more_rows():
        return render_template("public/submit.html", form=form, **context)
    if not form.validate_on_submit():
        return form_page("public/submit.html", form, **context)
    try:
        initiative = initiatives.submit_initiative(get_session(), found, form.draft())
    except ServiceError as error:
        return refused("public/submit.html", form, error, **context)
    return redirect(url_for("public.submitted", initiative_id=initiative.id))


@bp.get("/initiatief/<int:initiative_id>/ontvangen")
def submitted(initiative_id: int) -> str:
    """Confirmation that an initiative was received, with what happens next."""
    initiative, found = _public_initiative(initiative_id)
    total = initiatives.totals(get_session(), [initiative.id])[initiative.id]
    return render_template("public/submitted.html", initiative=initiative, round=found,
                           total=total)


@bp.get("/initiatief/<int:initiative_id>")
def initiative(initiative_id: int) -> str:
    """An initiative's public page: description, costs, support and the decision."""
    session = get_session()
    item, found = _public_initiative(initiative_id)
    total = initiatives.totals(session, [item.id])[item.id]
    return render_template(
        "public/initiative.html", initiative=item, round=found, total=total,
        requested=reviews.requested_cents(total, item.cofinancing_cents),
        lines=initiatives.cost_lines(session, item.id),
        initiator_count=len(initiatives.initiators(session, item.id)),
        support_count=supports.support_counts(session, [item.id])[item.id],
        review=initiatives.latest_review(session, item.id),
        may_support=supports.may_support(session, item), form=SupportForm(formdata=None))


@bp.route("/initiatief/<int:initiative_id>/steun", methods=["GET", "POST"])
def support(initiative_id: int) -> ResponseReturnValue:
    """Support an initiative: we send a confirmation link to the e-mail address or phone."""
    session, form = get_session(), SupportForm()
    item, found = _public_initiative(initiative_id)
    context = {"initiative": item, "round": found}
    if not form.validate_on_submit():
        return form_page("public/support.html", form, **context)
    base = current_app.config["BASE_URL"].rstrip("/")
    try:
        supports.request_support(
            session, item, form.contact.data, secret=current_app.config["SECRET_KEY"],
            confirm_url=lambda token: base + url_for("public.confirm", token=token),
            backend=current_app.config.get("NOTIFIER", "outbox"))
    except ServiceError as error:
        return refused("public/support.html", form, error, **context)
    return render_template("public/support_sent.html", **context)


@bp.route("/steun/bevestig/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """Confirms a support with the button on this page (the link only opens it)."""
    session, form = get_session(), ConfirmSupportForm()
    found = supports.support_for_token(session, token) or abort(404)
    item, _round = _public_initiative(found.initiative_id)
    if not form.validate_on_submit():
        return form_page("public/confirm.html", form, initiative=item, support=found)
    try:
        supports.confirm_support(session, found)
    except ServiceError as error:
        return refused("public/confirm.html", form, error, initiative=item, support=found)
    return render_template("public/confirm.html", form=form, initiative=item, support=found,
                           done=True)
