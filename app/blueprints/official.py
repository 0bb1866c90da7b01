"""Gebiedsteam area: review initiatives of the own stadsdeel, read the audit log and outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from app.access import official_of_stadsdeel, role_required
from app.db import get_session
from app.forms.committee import PHASE_LABELS, ROUND_KIND_LABELS
from app.forms.fields import choices
from app.forms.initiative import STATUS_LABELS
from app.forms.review import AuditFilterForm, ReviewForm
from app.models import Account, Initiative, Round, Wijk
from app.services import audit, initiatives, notify, reviews, supports
from app.services.errors import ServiceError
from app.views import form_page, refused

bp = Blueprint("official", __name__, url_prefix="/official")

LEVEL_LABELS = {
    "team": _l("Residents, official and team lead"),
    "alderman": _l("Residents, official, team lead and the alderman"),
    "college": _l("The college of mayor and aldermen"),
}
CRITERIA_LABELS = {name: ReviewForm.__dict__[name].args[0] for name in reviews.CRITERIA}


@bp.record_once
def default_thresholds(state) -> None:
    """Decision-level thresholds (cents) unless the app config sets its own."""
    state.app.config.setdefault("DECISION_LEVEL_THRESHOLDS", reviews.DEFAULT_THRESHOLDS)


@bp.context_processor
def labels() -> dict[str, object]:
    """Names of phases, statuses, decision levels and criteria for the templates."""
    return {"phase_labels": PHASE_LABELS, "round_kind_labels": ROUND_KIND_LABELS,
            "status_labels": STATUS_LABELS, "level_labels": LEVEL_LABELS,
            "criteria_labels": CRITERIA_LABELS}


def _thresholds() -> tuple[tuple[str, int], ...]:
    """The configured decision-level thresholds."""
    return reviews.thresholds_from_config(current_app.config)


def _wijk_names() -> dict[int, str]:
    """Wijk names by id."""
    return {w.id: w.name for w in get_session().exec(select(Wijk))}


@bp.get("/")
@role_required("official", "admin")
def index() -> str:
    """Rounds of the own stadsdeel from submission to counting: the official's work."""
    session = get_session()
    found = reviews.rounds_at_work(session, reviews.wijk_ids_in_scope(session, current_user))
    items = {r.id: initiatives.initiatives_of(session, r.id) for r in found}
    return render_template("official/index.html", rounds=found, items=items,
                           wijk_names=_wijk_names())


@bp.get("/rounds/<int:round_id>")
@official_of_stadsdeel
def round_initiatives(round_id: int) -> str:
    """All initiatives of one round with cost, support and status."""
    session = get_session()
    found = session.get(Round, round_id)
    items = initiatives.initiatives_of(session, round_id)
    ids = [i.id for i in items]
    return render_template("official/round.html", round=found, initiatives=items,
                           wijk=session.get(Wijk, found.wijk_id),
                           totals=initiatives.totals(session, ids),
                           counts=supports.support_counts(session, ids),
                           reviewable=found.phase in reviews.REVIEW_PHASES)


def _initiative_context(initiative_id: int) -> dict[str, object]:
    """What the review pages show about an initiative, initiators' contact data included."""
    session = get_session()
    item = session.get(Initiative, initiative_id)
    amount, level = reviews.level_of(session, item, _thresholds())
    history = reviews.reviews_of(session, item.id)
    reviewers = {a.id: a.name for a in session.exec(select(Account).where(
        Account.id.in_([r.reviewer_id for r in history if r.reviewer_id])))}
    return {"initiative": item, "round": session.get(Round, item.round_id),
            "lines": initiatives.cost_lines(session, item.id),
            "initiators": initiatives.initiators(session, item.id),
            "total": initiatives.totals(session, [item.id])[item.id], "requested": amount,
            "level": level, "history": history, "reviewers": reviewers,
            "support_count": supports.support_counts(session, [item.id])[item.id]}


@bp.get("/initiatives/<int:initiative_id>")
@official_of_stadsdeel
def initiative(initiative_id: int) -> str:
    """One initiative with its initiators, costs, decision level and earlier reviews."""
    return render_template("official/initiative.html", **_initiative_context(initiative_id))


@bp.route("/initiatives/<int:initiative_id>/review", methods=["GET", "POST"])
@official_of_stadsdeel
def review(initiative_id: int) -> ResponseReturnValue:
    """Record the criteria, public values, decision and reason."""
    form, context = ReviewForm(), _initiative_context(initiative_id)
    if not form.validate_on_submit():
        return form_page("official/review.html", form, **context)
    try:
        reviews.record_review(get_session(), context["initiative"], form.review_input(),
                              actor_id=current_user.id, thresholds=_thresholds())
    except ServiceError as error:
        return refused("official/review.html", form, error, **context)
    flash(_("The decision has been recorded."), "info")
    return redirect(url_for("official.initiative", initiative_id=initiative_id))


def _audit_filters(form: AuditFilterForm, wijk_ids: list[int] | None) -> None:
    """Fills the round and action menus of the audit filter."""
    session = get_session()
    statement = select(Round).order_by(Round.id.desc())
    if wijk_ids is not None:
        statement = statement.where(Round.wijk_id.in_(wijk_ids))
    form.round.choices = choices([("", _("All rounds"))] +
                                 [(str(r.id), r.title) for r in session.exec(statement)])
    names = audit.actions(session)
    groups = sorted({name.split(".")[0] for name in names if "." in name})
    form.action.choices = choices([("", _("All actions"))] + [(g, g + ".*") for g in groups]
                                  + [(name, name) for name in names])


def _start_of(day: date | None) -> datetime | None:
    """Midnight at the start of ``day`` in the app's time zone, as UTC."""
    if day is None:
        return None
    zone = ZoneInfo(str(get_timezone()))  # Babel's zone may be pytz: no tzinfo= with pytz
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


@bp.get("/audit")
@role_required("official", "admin")
def audit_log() -> ResponseReturnValue:
    """The audit log of the own stadsdeel (everything for an admin), filtered."""
    session = get_session()
    wijk_ids = reviews.wijk_ids_in_scope(session, current_user)
    form = AuditFilterForm(formdata=request.args)
    _audit_filters(form, wijk_ids)
    valid = form.validate()
    events = audit.query(
        session, wijk_ids=wijk_ids, round_id=int(form.round.data) if form.round.data else None,
        action=form.action.data or None,
        since=_start_of(form.since.data),
        until=_start_of(form.until.data + timedelta(days=1) if form.until.data else None),
    ) if valid else []
    return render_template("official/audit.html", form=form, events=events,
                           wijk_names=_wijk_names()), 200 if valid else 400


@bp.get("/outbox")
@role_required("official", "admin")
def outbox() -> str:
    """Messages waiting for residents (support confirmations), until mail/SMS is connected."""
    session = get_session()
    messages = notify.outbox(session, wijk_ids=reviews.wijk_ids_in_scope(session, current_user))
    return render_template("official/outbox.html", messages=messages, mask=notify.mask)
