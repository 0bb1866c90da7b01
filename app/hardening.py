"""Request checks and response headers that protect every page at once.

Every response gets a Content-Security-Policy without ``unsafe-inline`` (the
templates have no inline scripts, styles or event handlers: styles live in
``app/static``), ``nosniff``, a same-origin referrer policy and a frame ban.
The session cookie is HttpOnly and SameSite=Lax everywhere, and Secure when
the app is served over https (``BASE_URL``).
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask.wrappers import Response

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
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def refuse_nul_bytes() -> None:
    """400 for a NUL byte in any field: PostgreSQL text cannot hold one (it would be a 500)."""
    for values in (request.args, request.form):
        for _key, value in values.items(multi=True):
            if "\x00" in value:
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


def init_app(app: Flask) -> None:
    """Registers the checks and headers and fixes the cookie flags (after the config)."""
    secure_cookies(app)
    app.before_request(refuse_nul_bytes)
    app.after_request(security_headers)
