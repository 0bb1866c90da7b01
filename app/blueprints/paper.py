"""Gebiedsteam: paper ballots per stembureau (one at a time or a CSV batch) and reconciliation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from app.access import official_of_stadsdeel
from app.db import get_session
from app.forms.fields import choices
from app.forms.paper import BatchForm, ClearForm, IssuedForm
from app.forms.vote import BallotForm, answers, rank_slots
from app.models import Round, Stembureau, Wijk
from app.services import ballots, paper, rounds
from app.services.errors import ServiceError, message
from app.services.paper_csv import BatchRejected, example

bp = Blueprint("paper", __name__, url_prefix="/official")


@bp.get("/rounds/<int:round_id>/papier")
@official_of_stadsdeel
def overview(round_id: int) -> str:
    """Every stembureau of the round: ballots issued, recorded and the difference."""
    session = get_session()
    round_ = session.get(Round, round_id)
    return render_template("paper/overview.html", round=round_,
                           wijk=session.get(Wijk, round_.wijk_id),
                           stations=paper.reconciliation(session, round_id),
                           open=paper.is_open(session, round_))


def _batch_form(items: list[ballots.BallotQuestion]) -> BatchForm:
    """The CSV form with the round's questions to choose from."""
    form = BatchForm()
    form.question.choices = _question_choices(items)
    return form


def _clear_form(items: list[ballots.BallotQuestion], **kwargs: Any) -> ClearForm:
    """The form that clears a question's paper answers, with the round's questions."""
    form = ClearForm(**kwargs)
    form.question_to_clear.choices = _question_choices(items)
    return form


def _question_choices(items: list[ballots.BallotQuestion]) -> list[SelectChoice]:
    """The round's questions as choices: (id, "1. text")."""
    return choices((i.question.id, f"{i.question.position}. {i.question.text}") for i in items)


def _page(stembureau_id: int, status: int = 200, **overrides: Any) -> tuple[str, int]:
    """The stembureau's page: reconciliation, issued count, one ballot, CSV batch, and
    the corrections (the link to withdraw a ballot, the form that clears a question)."""
    session = get_session()
    stembureau = session.get(Stembureau, stembureau_id)
    round_ = session.get(Round, stembureau.round_id)
    wijk = session.get(Wijk, round_.wijk_id)
    items = ballots.ballot_questions(session, round_)
    station = next(s for s in paper.reconciliation(session, round_.id)
                   if s.stembureau.id == stembureau_id)
    context = {
        "stembureau": stembureau, "round": round_, "wijk": wijk, "items": items,
        "station": station, "open": paper.is_open(session, round_),
        "examples": {i.question.id: example(i) for i in items},
        "budget": rounds.budget_cents(round_, wijk), "rank_slots": rank_slots,
        "issued_form": IssuedForm(formdata=None, issued=station.issued),
        "ballot_form": BallotForm(), "batch_form": _batch_form(items),
        "clear_form": _clear_form(items, formdata=None),
        "data": MultiDict(), "messages": {}, "problems": [], **overrides}
    return render_template("paper/stembureau.html", **context), status


@bp.get("/stembureaus/<int:stembureau_id>/papier")
@official_of_stadsdeel
def stembureau(stembureau_id: int) -> ResponseReturnValue:
    """The paper ballots page of one stembureau."""
    return _page(stembureau_id)


def _round_of(stembureau_id: int) -> tuple[Stembureau, Round]:
    """The stembureau and its round."""
    found = get_session().get(Stembureau, stembureau_id)
    return found, get_session().get(Round, found.round_id)


@bp.post("/stembureaus/<int:stembureau_id>/papier/uitgereikt")
@official_of_stadsdeel
def record_issued(stembureau_id: int) -> ResponseReturnValue:
    """Stores the number of ballots the stembureau issued."""
    form = IssuedForm()
    if not form.validate_on_submit():
        return _page(stembureau_id, 400, issued_form=form)
    found, round_ = _round_of(stembureau_id)
    try:
        paper.set_issued(get_session(), round_, found, form.issued.data, current_user.id)
    except ServiceError as error:
        get_session().rollback()
        form.form_errors.append(message(error))
        return _page(stembureau_id, 400, issued_form=form)
    flash(_("The number of issued ballots has been saved."), "info")
    return redirect(url_for(".stembureau", stembureau_id=stembureau_id))


@bp.post("/stembureaus/<int:stembureau_id>/papier/stembiljet")
@official_of_stadsdeel
def record_ballot(stembureau_id: int) -> ResponseReturnValue:
    """Stores one paper ballot after checking it like an online ballot."""
    form = BallotForm()
    found, round_ = _round_of(stembureau_id)
    items = ballots.ballot_questions(get_session(), round_)
    try:
        paper.record_paper_ballot(get_session(), round_, found, answers(request.form, items),
                                  current_user.id)
    except paper.BallotRejected as rejected:
        messages = {i.question.id: ballots.ballot_message(i, rejected.errors[i.question.id])
                    for i in items if i.question.id in rejected.errors}
        return _page(stembureau_id, 400, ballot_form=form, data=request.form, messages=messages)
    except ServiceError as error:
        form.form_errors.append(message(error))
        return _page(stembureau_id, 400, ballot_form=form, data=request.form)
    flash(_("The paper ballot has been recorded."), "info")
    return redirect(url_for(".stembureau", stembureau_id=stembureau_id) + "#ballot")


@bp.post("/stembureaus/<int:stembureau_id>/papier/bestand")
@official_of_stadsdeel
def upload(stembureau_id: int) -> ResponseReturnValue:
    """Stores a CSV batch of one question's paper ballots: every row, or none."""
    found, round_ = _round_of(stembureau_id)
    form = _batch_form(ballots.ballot_questions(get_session(), round_))
    if not form.validate_on_submit():
        return _page(stembureau_id, 400, batch_form=form)
    try:
        stored = paper.record_batch(get_session(), round_, found, form.question.data,
                                    form.file.data.read(), current_user.id)
    except BatchRejected as rejected:
        return _page(stembureau_id, 400, batch_form=form,
                     problems=[(p.line, p.message) for p in rejected.problems])
    except ServiceError as error:
        form.form_errors.append(message(error))
        return _page(stembureau_id, 400, batch_form=form)
    flash(_("%(count)s paper ballots have been recorded.", count=stored), "info")
    return redirect(url_for(".stembureau", stembureau_id=stembureau_id))


@bp.route("/stembureaus/<int:stembureau_id>/papier/intrekken", methods=["GET", "POST"])
@official_of_stadsdeel
def withdraw(stembureau_id: int) -> ResponseReturnValue:
    """Withdraws one paper ballot recorded by mistake, named by its answers entered again."""
    session = get_session()
    found, round_ = _round_of(stembureau_id)
    wijk = session.get(Wijk, round_.wijk_id)
    items = ballots.ballot_questions(session, round_)
    form = BallotForm()
    context = {"stembureau": found, "round": round_, "wijk": wijk, "items": items,
               "open": paper.is_open(session, round_), "form": form,
               "budget": rounds.budget_cents(round_, wijk), "rank_slots": rank_slots,
               "data": MultiDict(), "messages": {}}
    if request.method == "GET":
        return render_template("paper/withdraw.html", **context)
    try:
        paper.withdraw_paper_ballot(session, round_, found, answers(request.form, items),
                                    current_user.id)
    except paper.BallotRejected as rejected:
        messages = {i.question.id: ballots.ballot_message(i, rejected.errors[i.question.id])
                    for i in items if i.question.id in rejected.errors}
        return render_template("paper/withdraw.html", **{
            **context, "data": request.form, "messages": messages}), 400
    except ServiceError as error:
        form.form_errors.append(message(error))
        return render_template("paper/withdraw.html", **{**context, "data": request.form}), 400
    flash(_("The paper ballot has been withdrawn."), "info")
    return redirect(url_for(".stembureau", stembureau_id=stembureau_id))


@bp.post("/stembureaus/<int:stembureau_id>/papier/wissen")
@official_of_stadsdeel
def clear(stembureau_id: int) -> ResponseReturnValue:
    """Removes the stembureau's paper answers to one question, to record them again."""
    found, round_ = _round_of(stembureau_id)
    form = _clear_form(ballots.ballot_questions(get_session(), round_))
    if not form.validate_on_submit():
        return _page(stembureau_id, 400, clear_form=form)
    try:
        removed = paper.clear_question(get_session(), round_, found, form.question_to_clear.data,
                                       current_user.id)
    except ServiceError as error:
        form.form_errors.append(message(error))
        return _page(stembureau_id, 400, clear_form=form)
    flash(_("Paper answers to this question removed: %(count)s. Record the corrected "
            "ballots again.", count=removed), "info")
    return redirect(url_for(".stembureau", stembureau_id=stembureau_id))
