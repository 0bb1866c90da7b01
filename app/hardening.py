"""Request checks and response headers that protect every page at once.

Every response gets a Content-Security-Policy without ``unsafe-inline`` (the
templates have no inline scripts, styles or event handlers: styles live in
``app/static``), ``nosniff``, a same-origin referrer policy and a frame ban.
The session cookie is HttpOnly and SameSite=Lax everywhere, and Secure when
the app is served over https (``BASE_URL``).

Code guessing: besides the plain request rate on the code entry
(CODE_RATE_LIMIT, applied by the vote blueprint), wrong codes are counted per
client address in the limiter's storage (CODE_FAILURE_LIMIT, e.g.
``5 per minute;20 per hour``): the short window slows a guesser down to a few
tries a minute, the long one then refuses them for the rest of the hour (429,
the Dutch "too many attempts" page, with Retry-After). Correct codes are not
counted.
"""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, make_response, request
from flask.wrappers import Response
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.errors import StorageError

from app.errors import render_error
from app.extensions import limiter

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
CODE_ENDPOINTS = ("vote.enter_code",)  # where a stemcode is typed
CODE_FAILURES = "stemcode-failures"  # the limiter's namespace for wrong codes
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def refuse_nul_bytes() -> None:
    """400 for a NUL byte in any field or field name, or a field without a name."""
    # PostgreSQL text cannot hold NUL (a 500); a multipart part whose name has a line
    # break comes through with the name None, which crashed WTForms' FieldList (a 500).
    for values in (request.args, request.form, request.files):
        for key, value in values.items(multi=True):
            if not isinstance(key, str) or "\x00" in key:
                abort(400)
            if isinstance(value, str) and "\x00" in value:
                abort(400)


def security_headers(response: Response) -> Response:
    """Adds the security headers to a response (a view's own values win)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def secure_cookies(app: Flask) -> None:
    """Cookie flags: HttpOnly and SameSite=Lax always, Secure when BASE_URL is https."""
    config = app.config
    https = str(config.get("BASE_URL", "")).startswith("https://")
    config["SESSION_COOKIE_HTTPONLY"] = True
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config["SESSION_COOKIE_SECURE"] = bool(config.get("SESSION_COOKIE_SECURE")) or https
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = config["SESSION_COOKIE_SAMESITE"]
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]


def _code_entry() -> bool:
    """True for a typed stemcode (a POST) or one in the letter's link (a GET with
    ``?code=``), while rate limiting is on."""
    return (request.endpoint in CODE_ENDPOINTS
            and (request.method == "POST" or "code" in request.args)
            and limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def _given_code() -> str:
    """The code typed or carried in the link ("" when none was given)."""
    values = request.form if request.method == "POST" else request.args
    return values.get("code", "").strip()


def _failure_limits() -> list[RateLimitItem]:
    """The configured limits on wrong codes (CODE_FAILURE_LIMIT)."""
    return parse_many(current_app.config["CODE_FAILURE_LIMIT"])


def _storage_errors() -> tuple[type[BaseException], ...]:
    """What the limiter's storage raises when it cannot count (locked, down)."""
    errors = limiter.limiter.storage.base_exceptions
    return (StorageError, *(errors if isinstance(errors, tuple) else (errors,)))


def refuse_code_guessers() -> None:
    """429 for a client that has typed too many wrong codes within a limit's window.

    When the storage cannot answer, the code is checked anyway (and the event
    logged): a database that is busy for a moment must not turn voters away.
    """
    if not _code_entry():
        return
    address = get_remote_address()
    try:
        for item in _failure_limits():
            if not limiter.limiter.test(item, CODE_FAILURES, address):
                reset_at, _left = limiter.limiter.get_window_stats(item, CODE_FAILURES, address)
                retry_after = max(1, int(reset_at - time.time()) + 1)
                response = make_response(render_error(429))
                response.headers["Retry-After"] = str(retry_after)
                abort(response)
    except _storage_errors() as error:
        current_app.logger.warning("wrong-code limit not checked: %s", type(error).__name__)


def count_wrong_codes(response: Response) -> Response:
    """Counts a failed code entry: a code was typed and it is unknown or malformed (400).

    Real codes are not counted: not a redirect to the ballot, not 403 for a
    round that is not open, and not 409 for a used code (a resident retrying
    after a lost confirmation; a guesser cannot reach it without a real code),
    so residents who type their own code are never slowed down by this limit.
    """
    # An empty form is no guess (nothing was looked up), so it does not count. The form
    # is read only after a 400: a body refused as too large (413) cannot be read again.
    if _code_entry() and response.status_code == 400 and _given_code():
        address = get_remote_address()
        try:
            for item in _failure_limits():
                limiter.limiter.hit(item, CODE_FAILURES, address)
        except _storage_errors() as error:  # the answer stands; the count is lost
            current_app.logger.warning("wrong code not counted: %s", type(error).__name__)
    return response


def init_app(app: Flask) -> None:
    """Registers the checks and headers and fixes the cookie flags (after the config)."""
    secure_cookies(app)
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_code_guessers)
    app.after_request(count_wrong_codes)
    app.after_request(security_headers)
