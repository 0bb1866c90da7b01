"""Committee area: rounds of the committee's own wijk, their questions and stembureaus."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import committee_of_wijk, role_required
from app.db import get_session
from app.forms.committee import (
    PHASE_LABELS,
    ROUND_KIND_LABELS,
    ConfirmForm,
    PhaseForm,
    QuestionForm,
    RoundForm,
    StembureauForm,
)
from app.models import Question, Round, Stembureau, Wijk
from app.services import audit, rounds, wijken
from app.services.errors import ServiceError, message
from app.services.questions import KIND_LABELS, RULE_LABELS
from app.views import form_page, refused

bp = Blueprint("committee", __name__, url_prefix="/committee")


@bp.app_context_processor
def labels() -> dict[str, object]:
    """Labels of kinds, phases and rules for every template."""
    return {"round_kind_labels": ROUND_KIND_LABELS, "phase_labels": PHASE_LABELS,
            "action_labels": audit.ACTION_LABELS,
            "question_kind_labels": KIND_LABELS, "rule_labels": RULE_LABELS}


def _own_wijken() -> list[Wijk]:
    """The wijken this account configures rounds for."""
    session = get_session()
    if current_user.role == "admin":
        return wijken.wijken(session)
    return [session.get(Wijk, current_user.wijk_id)]


@bp.get("/")
@role_required("committee", "admin")
def index() -> str:
    """The rounds of the committee's wijk (every wijk for an admin)."""
    own = _own_wijken()
    found = rounds.rounds_of(get_session(), [w.id for w in own])
    return render_template("committee/index.html", wijken=own, rounds=found)


@bp.route("/wijken/<int:wijk_id>/rounds/new", methods=["GET", "POST"])
@committee_of_wijk
def new_round(wijk_id: int) -> ResponseReturnValue:
    """Creates a round in the wijk."""
    wijk, form = get_session().get(Wijk, wijk_id), RoundForm()
    if not form.validate_on_submit():
        return form_page("committee/round_form.html", form, wijk=wijk, round=None)
    try:
        created = rounds.create_round(get_session(), wijk_id, form.values(), current_user.id)
    except ServiceError as error:
        return refused("committee/round_form.html", form, error, wijk=wijk, round=None)
    flash(_("Round created."), "info")
    return redirect(url_for(".round_detail", round_id=created.id))


@bp.get("/rounds/<int:round_id>")
@committee_of_wijk
def round_detail(round_id: int) -> str:
    """A round's settings, computed budget, questions, stembureaus, phase and log."""
    session = get_session()
    round_ = session.get(Round, round_id)
    wijk = session.get(Wijk, round_.wijk_id)
    return render_template(
        "committee/round.html", round=round_, wijk=wijk,
        budget=rounds.budget_cents(round_, wijk), frozen=rounds.is_frozen(round_),
        questions=rounds.questions(session, round_id),
        stembureaus=rounds.stembureaus(session, round_id),
        next_phases=rounds.next_phases(round_), phase_form=PhaseForm(),
        confirm_form=ConfirmForm(), log=audit.query(session, round_id=round_id, limit=50))


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@committee_of_wijk
def edit_round(round_id: int) -> ResponseReturnValue:
    """Changes a round's settings while voting has not started."""
    session = get_session()
    round_ = session.get(Round, round_id)
    wijk, form = session.get(Wijk, round_.wijk_id), RoundForm()
    if not form.is_submitted():
        form.fill_from(round_)
    context = {"wijk": wijk, "round": round_}
    if not form.validate_on_submit():
        return form_page("committee/round_form.html", form, **context)
    try:
        rounds.update_round(session, round_, form.values(), current_user.id)
    except ServiceError as error:
        return refused("committee/round_form.html", form, error, **context)
    flash(_("Round saved."), "info")
    return redirect(url_for(".round_detail", round_id=round_id))


@bp.post("/rounds/<int:round_id>/phase")
@committee_of_wijk
def move_phase(round_id: int) -> ResponseReturnValue:
    """Moves the round forward to a later phase; backwards is refused."""
    session, form = get_session(), PhaseForm()
    round_ = session.get(Round, round_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        rounds.advance_phase(session, round_, form.to_phase.data, current_user.id)
    except ServiceError as error:
        session.rollback()
        return render_template("errors/error.html", title=_("Phase not changed"),
                               message=message(error), status=400), 400
    flash(_("The round moved to the phase: %(phase)s.", phase=PHASE_LABELS[round_.phase]),
          "info")
    return redirect(url_for(".round_detail", round_id=round_id))


def _question_page(round_: Round, form: QuestionForm, question: Question | None = None,
                   error: ServiceError | None = None) -> ResponseReturnValue:
    """The question form of a round (with the service's reason when it refused)."""
    if error is not None:
        return refused("committee/question_form.html", form, error, round=round_,
                       question=question)
    return form_page("committee/question_form.html", form, round=round_, question=question)


@bp.route("/rounds/<int:round_id>/questions/new", methods=["GET", "POST"])
@committee_of_wijk
def new_question(round_id: int) -> ResponseReturnValue:
    """Adds a question to the round's ballot."""
    round_, form = get_session().get(Round, round_id), QuestionForm()
    if not form.validate_on_submit():
        return _question_page(round_, form)
    try:
        rounds.save_question(get_session(), round_, form.values(), None, current_user.id)
    except ServiceError as error:
        return _question_page(round_, form, error=error)
    flash(_("Question saved."), "info")
    return redirect(url_for(".round_detail", round_id=round_id))


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@committee_of_wijk
def edit_question(question_id: int) -> ResponseReturnValue:
    """Changes a question."""
    session = get_session()
    question = session.get(Question, question_id)
    round_, form = session.get(Round, question.round_id), QuestionForm(obj=question)
    if not form.validate_on_submit():
        return _question_page(round_, form, question)
    try:
        rounds.save_question(session, round_, form.values(), question, current_user.id)
    except ServiceError as error:
        return _question_page(round_, form, question, error)
    flash(_("Question saved."), "info")
    return redirect(url_for(".round_detail", round_id=round_.id))


@bp.post("/questions/<int:question_id>/delete")
@committee_of_wijk
def delete_question(question_id: int) -> ResponseReturnValue:
    """Removes a question."""
    session = get_session()
    question = session.get(Question, question_id)
    round_ = session.get(Round, question.round_id)
    return _delete(lambda: rounds.delete_question(session, round_, question, current_user.id),
                   round_.id, _("Question removed."))


def _delete(action, round_id: int, done: str) -> ResponseReturnValue:
    """Runs a deletion behind a CSRF-checked button and goes back to the round."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action()
    except ServiceError as error:
        get_session().rollback()
        return render_template("errors/error.html", title=_("Not removed"),
                               message=message(error), status=400), 400
    flash(done, "info")
    return redirect(url_for(".round_detail", round_id=round_id))


def _stembureau_page(round_: Round, form: StembureauForm, stembureau: Stembureau | None = None,
                     error: ServiceError | None = None) -> ResponseReturnValue:
    """The stembureau form of a round (with the service's reason when it refused)."""
    context = {"round": round_, "stembureau": stembureau}
    if error is not None:
        return refused("committee/stembureau_form.html", form, error, **context)
    return form_page("committee/stembureau_form.html", form, **context)


@bp.route("/rounds/<int:round_id>/stembureaus/new", methods=["GET", "POST"])
@committee_of_wijk
def new_stembureau(round_id: int) -> ResponseReturnValue:
    """Adds a polling station."""
    round_, form = get_session().get(Round, round_id), StembureauForm()
    if not form.validate_on_submit():
        return _stembureau_page(round_, form)
    try:
        rounds.save_stembureau(get_session(), round_, form.values(), None, current_user.id)
    except ServiceError as error:
        return _stembureau_page(round_, form, error=error)
    flash(_("Stembureau saved."), "info")
    return redirect(url_for(".round_detail", round_id=round_id))


@bp.route("/stembureaus/<int:stembureau_id>/edit", methods=["GET", "POST"])
@committee_of_wijk
def edit_stembureau(stembureau_id: int) -> ResponseReturnValue:
    """Changes a polling station."""
    session = get_session()
    stembureau = session.get(Stembureau, stembureau_id)
    round_, form = session.get(Round, stembureau.round_id), StembureauForm(obj=stembureau)
    if not form.validate_on_submit():
        return _stembureau_page(round_, form, stembureau)
    try:
        rounds.save_stembureau(session, round_, form.values(), stembureau, current_user.id)
    except ServiceError as error:
        return _stembureau_page(round_, form, stembureau, error)
    flash(_("Stembureau saved."), "info")
    return redirect(url_for(".round_detail", round_id=round_.id))


@bp.post("/stembureaus/<int:stembureau_id>/delete")
@committee_of_wijk
def delete_stembureau(stembureau_id: int) -> ResponseReturnValue:
    """Removes a polling station."""
    session = get_session()
    stembureau = session.get(Stembureau, stembureau_id)
    round_ = session.get(Round, stembureau.round_id)
    return _delete(lambda: rounds.delete_stembureau(session, round_, stembureau,
                                                    current_user.id),
                   round_.id, _("Stembureau removed."))
