"""Request checks and response headers that protect every page at once.

Every response gets a Content-Security-Policy without ``unsafe-inline`` (the
templates have no inline scripts, styles or event handlers: styles live in
``app/static``), ``nosniff``, a same-origin referrer policy and a frame ban.
The session cookie is HttpOnly and SameSite=Lax everywhere, and Secure when
the app is served over https (``BASE_URL``).

Code guessing: besides the plain request rate on the code entry
(CODE_RATE_LIMIT, applied by the vote blueprint), wrong codes are counted per
client address by app/ratelimit.py (CODE_FAILURE_LIMIT, e.g.
``5 per minute;20 per hour``): the short window slows a guesser down to a few
tries a minute, the long one then refuses them for the rest of the hour (429,
the Dutch "too many attempts" page, with Retry-After). Correct codes are not
counted.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask.wrappers import Response
from limits import RateLimitItem

from app import ratelimit

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
    # Not headers.setdefault: each header not there yet cost a raised KeyError inside it.
    present = {name.lower() for name in response.headers.keys()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
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
            and (request.method == "POST" or "code" in request.args) and ratelimit.enabled())


def _given_code() -> str:
    """The code typed or carried in the link ("" when none was given)."""
    values = request.form if request.method == "POST" else request.args
    return values.get("code", "").strip()


def _failure_limits() -> tuple[RateLimitItem, ...]:
    """The configured limits on wrong codes (CODE_FAILURE_LIMIT)."""
    return ratelimit.parse_limits(current_app.config["CODE_FAILURE_LIMIT"])


def refuse_code_guessers() -> None:
    """429 for a client that has typed too many wrong codes within a limit's window."""
    if _code_entry():
        wait = ratelimit.rate_limits().test(_failure_limits(), CODE_FAILURES,
                                            ratelimit.client_address())
        if wait is not None:
            ratelimit.refuse(wait)


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
        ratelimit.rate_limits().hit(_failure_limits(), CODE_FAILURES, ratelimit.client_address())
    return response


def init_app(app: Flask) -> None:
    """Registers the checks and headers and fixes the cookie flags (after the config)."""
    secure_cookies(app)
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_code_guessers)
    app.after_request(count_wrong_codes)
    app.after_request(security_headers)
