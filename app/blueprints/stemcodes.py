"""Gebiedsteam: issue stemcodes for a round and print them as letters, shown once."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import official_of_stadsdeel
from app.db import get_session
from app.forms.vote import StemcodesForm
from app.models import Round, Wijk
from app.qr import qr_svg
from app.services import stemcodes
from app.services.errors import ServiceError
from app.views import form_page, refused

bp = Blueprint("stemcodes", __name__, url_prefix="/official")


@bp.route("/rounds/<int:round_id>/stemcodes", methods=["GET", "POST"])
@official_of_stadsdeel
def issue(round_id: int) -> ResponseReturnValue:
    """Generates N codes and answers with their printable letters (the only copy)."""
    session = get_session()
    round_ = session.get(Round, round_id)
    wijk = session.get(Wijk, round_.wijk_id)
    issued, used = stemcodes.counts(session, round_id)
    context = {"round": round_, "wijk": wijk, "issued": issued, "used": used,
               "open": round_.phase in stemcodes.ISSUE_PHASES}
    form = StemcodesForm()
    if not form.validate_on_submit():
        return form_page("official/stemcodes.html", form, **context)
    try:
        codes = stemcodes.issue_stemcodes(session, round_, form.count.data, current_user.id)
    except ServiceError as error:
        return refused("official/stemcodes.html", form, error, **context)
    vote_url = current_app.config["BASE_URL"].rstrip("/") + url_for("vote.enter_code")
    with force_locale("nl"):  # letters go to residents: always Dutch
        title = str(_l("QR code with your personal voting link"))
        qr_codes = {code: qr_svg(f"{vote_url}?code={code}", title) for code in codes}
        page = render_template("official/stemcodes_letters.html", codes=codes, round=round_,
                               wijk=wijk, vote_url=vote_url, qr_codes=qr_codes)
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # the codes must not linger in a cache
    return response
