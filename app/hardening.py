"""Request checks that protect every form at once."""

from flask import Flask, abort, request


def refuse_nul_bytes() -> None:
    """400 for a NUL byte in any field: PostgreSQL text cannot hold one (it would be a 500)."""
    for values in (request.args, request.form):
        for _key, value in values.items(multi=True):
            if "\x00" in value:
                abort(400)


def init_app(app: Flask) -> None:
    """Registers the checks."""
    app.before_request(refuse_nul_bytes)
