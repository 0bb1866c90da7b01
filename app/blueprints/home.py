"""The front page: what Wijkstem is and where to go."""

from flask import Blueprint, render_template
from sqlmodel import select

from app.db import get_session
from app.models import Stadsdeel, Wijk

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """Front page with the stadsdelen and their wijken."""
    session = get_session()
    stadsdelen = session.exec(select(Stadsdeel).order_by(Stadsdeel.name)).all()
    wijken = session.exec(select(Wijk).order_by(Wijk.name)).all()
    return render_template("home/index.html", stadsdelen=stadsdelen, wijken=wijken)
