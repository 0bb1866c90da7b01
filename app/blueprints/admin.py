"""Administrator area: stadsdelen, wijken (form and CSV import) and accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import role_required
from app.db import get_session
from app.forms.admin import (
    ROLE_LABELS,
    EditAccountForm,
    ImportForm,
    NewAccountForm,
    StadsdeelForm,
    WijkForm,
)
from app.forms.fields import choices
from app.models import Account, Stadsdeel, Wijk
from app.services import accounts, wijken, wijken_import
from app.services.errors import ServiceError, message_for
from app.views import form_page, refused

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _stadsdeel_choices(none_label: str | None = None) -> list:
    """Select options of all stadsdelen, optionally after a 'none' option (0)."""
    pairs = [(s.id, s.name) for s in wijken.stadsdelen(get_session())]
    return choices(([(0, none_label)] if none_label else []) + pairs)


def _wijk_choices() -> list:
    """Select options of all wijken, after a 'none' option (0)."""
    return choices([(0, _("(none)"))] + [(w.id, w.name) for w in wijken.wijken(get_session())])


@bp.get("/")
@role_required("admin")
def index() -> str:
    """Overview of stadsdelen, wijken and accounts."""
    session = get_session()
    return render_template("admin/index.html", stadsdelen=wijken.stadsdelen(session),
                           wijken=wijken.wijken(session),
                           accounts=accounts.list_accounts(session))


@bp.route("/stadsdelen", methods=["GET", "POST"])
@role_required("admin")
def stadsdelen() -> ResponseReturnValue:
    """List of stadsdelen and a form to add one."""
    form, session = StadsdeelForm(), get_session()
    context = {"stadsdelen": wijken.stadsdelen(session)}
    if not form.validate_on_submit():
        return form_page("admin/stadsdelen.html", form, **context)
    try:
        wijken.save_stadsdeel(session, form.name.data, actor_id=current_user.id)
    except ServiceError as error:
        return refused("admin/stadsdelen.html", form, error, **context)
    flash(_("Stadsdeel saved."), "info")
    return redirect(url_for(".stadsdelen"))


@bp.route("/stadsdelen/<int:stadsdeel_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_stadsdeel(stadsdeel_id: int) -> ResponseReturnValue:
    """Renames a stadsdeel."""
    session = get_session()
    stadsdeel = session.get(Stadsdeel, stadsdeel_id) or abort(404)
    form = StadsdeelForm(obj=stadsdeel)
    if not form.validate_on_submit():
        return form_page("admin/stadsdeel_edit.html", form, stadsdeel=stadsdeel)
    try:
        wijken.save_stadsdeel(session, form.name.data, stadsdeel, actor_id=current_user.id)
    except ServiceError as error:
        return refused("admin/stadsdeel_edit.html", form, error, stadsdeel=stadsdeel)
    flash(_("Stadsdeel saved."), "info")
    return redirect(url_for(".stadsdelen"))


@bp.route("/wijken/new", methods=["GET", "POST"])
@role_required("admin")
def new_wijk() -> ResponseReturnValue:
    """Adds a wijk."""
    form = WijkForm()
    form.stadsdeel_id.choices = _stadsdeel_choices()
    if not form.validate_on_submit():
        return form_page("admin/wijk_form.html", form, wijk=None)
    try:
        wijken.save_wijk(get_session(), form.data, actor_id=current_user.id)
    except ServiceError as error:
        return refused("admin/wijk_form.html", form, error, wijk=None)
    flash(_("Wijk saved."), "info")
    return redirect(url_for(".index"))


@bp.route("/wijken/<int:wijk_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_wijk(wijk_id: int) -> ResponseReturnValue:
    """Changes a wijk's name, stadsdeel, inhabitants and postcodes."""
    session = get_session()
    wijk = session.get(Wijk, wijk_id) or abort(404)
    form = WijkForm(obj=wijk)
    form.stadsdeel_id.choices = _stadsdeel_choices()
    if not form.validate_on_submit():
        return form_page("admin/wijk_form.html", form, wijk=wijk)
    try:
        wijken.save_wijk(session, form.data, wijk, actor_id=current_user.id)
    except ServiceError as error:
        return refused("admin/wijk_form.html", form, error, wijk=wijk)
    flash(_("Wijk saved."), "info")
    return redirect(url_for(".index"))


@bp.route("/wijken/import", methods=["GET", "POST"])
@role_required("admin")
def import_wijken() -> ResponseReturnValue:
    """Imports wijken from a CSV file: every row, or none with each bad line reported."""
    form = ImportForm()
    form.stadsdeel_id.choices = _stadsdeel_choices(_("(from the file)"))
    if not form.validate_on_submit():
        return form_page("admin/import.html", form, problems=[])
    try:
        report = wijken_import.import_wijken(get_session(), form.file.data.read(),
                                             form.stadsdeel_id.data or None, current_user.id)
    except wijken_import.ImportRejected as rejected:
        problems = [(e.line, message_for(e.code, e.params)) for e in rejected.errors]
        return render_template("admin/import.html", form=form, problems=problems), 400
    flash(_("Imported: %(created)s new, %(updated)s updated.", created=report.created,
            updated=report.updated), "info")
    return redirect(url_for(".index"))


def _account_form(form: NewAccountForm | EditAccountForm) -> None:
    """Fills the scope menus of an account form."""
    form.stadsdeel_id.choices = _stadsdeel_choices(_("(none)"))
    form.wijk_id.choices = _wijk_choices()
    for field in (form.stadsdeel_id, form.wijk_id):
        field.data = field.data or 0


@bp.route("/accounts/new", methods=["GET", "POST"])
@role_required("admin")
def new_account() -> ResponseReturnValue:
    """Creates a staff account."""
    form = NewAccountForm()
    _account_form(form)
    if not form.validate_on_submit():
        return form_page("admin/account_form.html", form, account=None, roles=ROLE_LABELS)
    try:
        accounts.create_account(
            get_session(), username=form.username.data, name=form.name.data,
            role=form.role.data, password=form.password.data, email=form.email.data or "",
            stadsdeel_id=form.stadsdeel_id.data or None, wijk_id=form.wijk_id.data or None,
            actor_id=current_user.id)
    except ServiceError as error:
        return refused("admin/account_form.html", form, error, account=None, roles=ROLE_LABELS)
    flash(_("Account saved."), "info")
    return redirect(url_for(".index"))


@bp.route("/accounts/<int:account_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_account(account_id: int) -> ResponseReturnValue:
    """Changes an account's role, scope, status or password."""
    session = get_session()
    account = session.get(Account, account_id) or abort(404)
    form = EditAccountForm(obj=account)
    _account_form(form)
    context = {"account": account, "roles": ROLE_LABELS}
    if not form.validate_on_submit():
        return form_page("admin/account_form.html", form, **context)
    try:
        accounts.update_account(
            session, account, name=form.name.data, role=form.role.data,
            email=form.email.data or "", active=form.active.data,
            stadsdeel_id=form.stadsdeel_id.data or None, wijk_id=form.wijk_id.data or None,
            password=form.password.data or "", actor_id=current_user.id)
    except ServiceError as error:
        return refused("admin/account_form.html", form, error, **context)
    flash(_("Account saved."), "info")
    return redirect(url_for(".index"))
