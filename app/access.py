"""Who may do what: Flask-Login set-up and access decorators for views.

Scopes: a committee member acts only in their own wijk, an official only in
their own stadsdeel, an administrator everywhere. A view's wijk is found from
its URL arguments (``wijk_id``, ``round_id``, ``question_id``, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.db import get_session
from app.extensions import login_manager
from app.models import (
    Account,
    CostLine,
    Initiative,
    Initiator,
    Question,
    Review,
    Round,
    Stadsdeel,
    Stembureau,
    Support,
    Wijk,
)

View = Callable[..., Any]


def _round_wijk(round_id: int) -> int | None:
    found = get_session().get(Round, round_id)
    return found.wijk_id if found else None


def _initiative_wijk(initiative_id: int) -> int | None:
    found = get_session().get(Initiative, initiative_id)
    return _round_wijk(found.round_id) if found else None


def _child_of_round(model: type) -> Callable[[int], int | None]:
    def resolve(object_id: int) -> int | None:
        found = get_session().get(model, object_id)
        return _round_wijk(found.round_id) if found else None
    return resolve


def _child_of_initiative(model: type) -> Callable[[int], int | None]:
    def resolve(object_id: int) -> int | None:
        found = get_session().get(model, object_id)
        return _initiative_wijk(found.initiative_id) if found else None
    return resolve


# URL argument -> function giving the wijk id it belongs to (None: no such object).
WIJK_OF: dict[str, Callable[[int], int | None]] = {
    "wijk_id": lambda wijk_id: wijk_id if get_session().get(Wijk, wijk_id) else None,
    "round_id": _round_wijk,
    "initiative_id": _initiative_wijk,
    "question_id": _child_of_round(Question),
    "stembureau_id": _child_of_round(Stembureau),
    "cost_line_id": _child_of_initiative(CostLine),
    "initiator_id": _child_of_initiative(Initiator),
    "support_id": _child_of_initiative(Support),
    "review_id": _child_of_initiative(Review),
}


def wijk_of_view(kwargs: dict[str, Any]) -> int:
    """The wijk a view's URL arguments point at; 404 when the object does not exist."""
    for name, resolve in WIJK_OF.items():
        if name in kwargs:
            wijk_id = resolve(kwargs[name])
            if wijk_id is None:
                abort(404)
            return wijk_id
    raise LookupError("view has no argument that names a wijk")


def stadsdeel_of_wijk(wijk_id: int) -> int:
    """The stadsdeel holding a wijk."""
    return get_session().get(Wijk, wijk_id).stadsdeel_id


def may_act_in_wijk(account: Any, wijk_id: int) -> bool:
    """True for an admin and for the committee of this wijk."""
    if not account.is_authenticated:
        return False
    return account.role == "admin" or (account.role == "committee" and account.wijk_id == wijk_id)


def may_review_in_wijk(account: Any, wijk_id: int) -> bool:
    """True for an admin and for an official of the stadsdeel holding this wijk."""
    if not account.is_authenticated:
        return False
    if account.role == "admin":
        return True
    return account.role == "official" and account.stadsdeel_id == stadsdeel_of_wijk(wijk_id)


def role_required(*roles: str) -> Callable[[View], View]:
    """Logged in with one of ``roles`` (redirect to login when anonymous, else 403)."""
    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def committee_of_wijk(view: View) -> View:
    """The committee of the wijk in the URL, or an admin."""
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not may_act_in_wijk(current_user, wijk_of_view(kwargs)):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def official_of_stadsdeel(view: View) -> View:
    """An official of the stadsdeel in the URL (or of the wijk in the URL), or an admin."""
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "stadsdeel_id" in kwargs:
            if get_session().get(Stadsdeel, kwargs["stadsdeel_id"]) is None:
                abort(404)
            allowed = current_user.role == "admin" or (
                current_user.role == "official"
                and current_user.stadsdeel_id == kwargs["stadsdeel_id"])
        else:
            allowed = may_review_in_wijk(current_user, wijk_of_view(kwargs))
        if not allowed:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def load_account(account_id: str) -> Account | None:
    """Flask-Login's user loader: the active account with this id."""
    if not account_id.isdigit():
        return None
    account = get_session().get(Account, int(account_id))
    return account if account is not None and account.active else None


def init_app(app: Flask) -> None:
    """Binds Flask-Login."""
    login_manager.init_app(app)
    login_manager.user_loader(load_account)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
