"""Friendly error pages in the user's language; never a traceback."""

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from app.db import is_unavailable, rollback_request_session

MESSAGES = {
    400: (_l("Bad request"),
          _l("The request could not be processed. Please check what you entered.")),
    403: (_l("No access"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist (any more).")),
    405: (_l("Method not allowed"), _l("This page cannot be used in this way.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a moment and try again.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on our side. Please try again later.")),
    503: (_l("Try again in a moment"),
          _l("Wijkstem cannot reach its database right now, or it is too busy. "
             "Please try again in a moment.")),
}
RETRY_AFTER = {"Retry-After": "5"}  # seconds, for a 503
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement the statement timeout ended
CSRF_MESSAGE = _l("The form has expired or was not sent from this site. Please try again.")


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` limited to what a 32-bit database column holds, so a huge id is a 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    """The error page for ``status``."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", title=title, message=detail or message,
                           status=status), status


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    """Renders any HTTP error with our page."""
    code = error.code or 500
    return render_error(code if code in MESSAGES else 500 if code >= 500 else 400)


def handle_csrf_error(_error: CSRFError) -> tuple[str, int]:
    """A missing or stale CSRF token: a 400 that says what to do."""
    return render_error(400, str(CSRF_MESSAGE))


def handle_unexpected(error: Exception) -> tuple[str, int]:
    """Anything unforeseen: a 500 page without details, the traceback in the server log.

    The log line names the path without its query string (a letter's link carries a
    stemcode there); the engine hides SQL parameters from error messages (app.db).
    """
    if not isinstance(error, InternalServerError) or error.original_exception is not None:
        current_app.logger.error("unexpected error on %s %s", request.method, request.path,
                                 exc_info=getattr(error, "original_exception", None) or error)
    return render_error(500)


def after_database_failure(error: Exception) -> None:
    """Prepares an error page after a database failure: rolls back what the request
    did, shows the page as to a guest, and logs one line (no traceback: an outage
    would fill the log; except for a statement the statement timeout cancelled).

    The page's menu asks Flask-Login for the account, which would ask the database
    again, or refresh an account the rollback expired: with the database gone that
    failed inside the error handler, a 500.
    """
    rollback_request_session()
    g._login_user = current_app.login_manager.anonymous_user()
    cause = getattr(error, "orig", None) or error
    # A statement cancelled by the statement timeout may be a runaway query of ours,
    # not an outage: its traceback says where it ran.
    cancelled = getattr(cause, "sqlstate", None) == QUERY_CANCELED
    current_app.logger.error("database unavailable on %s %s: %s: %s", request.method,
                             request.path, type(cause).__name__, str(cause).split("\n")[0],
                             exc_info=error if cancelled else None)


def handle_database_error(error: Exception) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    """The database unreachable, timed out, locked or out of connections: a 503 "try
    again" page. Any other database error is a fault: the 500 page, with its traceback
    in the log."""
    if not is_unavailable(error):
        return handle_unexpected(error)
    after_database_failure(error)
    return (*render_error(503), RETRY_AFTER)


def init_app(app: Flask) -> None:
    """Registers the error handlers and the bounded int converter."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(PoolTimeoutError, handle_database_error)
