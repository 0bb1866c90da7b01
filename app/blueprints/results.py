"""Published results for everyone: the results page of a round and its downloads.

Nothing is shown before an official has published the count: the page says
the result is not known yet and every download is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from app.db import get_session
from app.models import Question, QuestionCount, Round, Wijk
from app.services import counting, initiatives, results
from app.services.questions import RULE_LABELS

bp = Blueprint("results", __name__)


@bp.context_processor
def helpers() -> dict[str, object]:
    """Labels, explanations and number formatting for the result templates."""
    return {"rule_labels": RULE_LABELS, "explanations": results.EXPLANATIONS,
            "funded_in_order": results.FUNDED_IN_ORDER, "status_labels": results.STATUS_LABELS,
            "answer_labels": results.ANSWER_LABELS, "shown": results.shown,
            "bars": results.bars, "rounds_view": results.rounds_view}


def _published(question_id: int) -> tuple[QuestionCount, Round, Question]:
    """The published count of a question, its round and the question; 404 otherwise."""
    session = get_session()
    question = session.get(Question, question_id) or abort(404)
    round_ = session.get(Round, question.round_id)
    found = [c for c in counting.published_counts(session, round_)
             if c.question_id == question_id]
    if not found:
        abort(404)
    return found[0], round_, question


def _download(body: bytes | str, name: str, mimetype: str) -> Response:
    """A file download that the browser saves under ``name``."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/ronde/<int:round_id>/uitslag")
def round_results(round_id: int) -> ResponseReturnValue:
    """The published result of every question of a round, or 'not known yet'."""
    session = get_session()
    round_ = session.get(Round, round_id)
    if round_ is None or not initiatives.is_public(round_):
        abort(404)
    items = results.question_results(session, counting.published_counts(session, round_),
                                     get_locale().language)
    ballots, codes = counting.turnout(session, round_id)
    return render_template("results/round.html", round=round_, items=items,
                           wijk=session.get(Wijk, round_.wijk_id),
                           ballots=items[0].count.total_ballots if items else ballots,
                           codes=codes, discarded=counting.discarded(session, round_id))


@bp.get("/vraag/<int:question_id>/uitslag.json")
def result_json(question_id: int) -> Response:
    """The canonical result JSON, byte for byte what ``wijkstem tally --json`` prints."""
    count, round_, question = _published(question_id)
    name = counting.file_name(round_, question, "pb").rsplit(".", 1)[0] + "-uitslag.json"
    return _download(count.result_json + "\n", name, "application/json")


@bp.get("/vraag/<int:question_id>/uitslag.csv")
def result_csv(question_id: int) -> Response:
    """The result as a CSV table (UTF-8)."""
    count, round_, question = _published(question_id)
    item = results.question_results(get_session(), [count])[0]
    name = counting.file_name(round_, question, "pb").rsplit(".", 1)[0] + "-uitslag.csv"
    return _download(results.result_csv(item), name, "text/csv")


@bp.get("/vraag/<int:question_id>/stembestand")
def ballots_file(question_id: int) -> Response:
    """The anonymised ballot file the result was computed from (.pb, .blt or .csv)."""
    count, _round, _question = _published(question_id)
    return _download(count.ballots_file, count.ballots_name, "text/plain")


@bp.get("/vraag/<int:question_id>/stembestand.sha256")
def ballots_sha256(question_id: int) -> Response:
    """The ballot file's SHA-256 in ``sha256sum`` format, to check a download with."""
    count, _round, _question = _published(question_id)
    return _download(f"{count.ballots_sha256}  {count.ballots_name}\n",
                     count.ballots_name + ".sha256", "text/plain")
