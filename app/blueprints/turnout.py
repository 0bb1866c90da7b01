"""Turnout of a round for its committee and the officials of its stadsdeel (no results)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import format_percent
from flask_login import current_user, login_required

from app.access import may_act_in_wijk, may_review_in_wijk, wijk_of_view
from app.db import get_session
from app.models import Round, Wijk
from app.services import paper, turnout

bp = Blueprint("turnout", __name__)


def wijk_team(view: Callable[..., Any]) -> Callable[..., Any]:
    """The committee of the round's wijk, an official of its stadsdeel, or an admin."""
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        wijk_id = wijk_of_view(kwargs)
        if not (may_act_in_wijk(current_user, wijk_id)
                or may_review_in_wijk(current_user, wijk_id)):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.app_template_filter("percent")
def percent(value: Decimal | None) -> str:
    """A share as a percentage with one decimal in the page's language, e.g. "12,5%"."""
    return "–" if value is None else format_percent(value, "#,##0.0%")


@bp.get("/rounds/<int:round_id>/opkomst")
@wijk_team
def round_turnout(round_id: int) -> str:
    """Ballots cast online and on paper, stemcodes issued and used, per stembureau."""
    session = get_session()
    round_ = session.get(Round, round_id)
    return render_template("turnout/round.html", round=round_,
                           wijk=session.get(Wijk, round_.wijk_id),
                           turnout=turnout.round_turnout(session, round_),
                           stations=paper.reconciliation(session, round_id))
