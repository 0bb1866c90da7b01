"""The app's response class: a body already in memory leaves in one piece."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response as FlaskResponse


class Response(FlaskResponse):
    """A Flask response that hands the WSGI server a one-item list when its body is in
    memory, instead of werkzeug's iterator over it.

    granian sends a list at once; any other iterable it walks from its own I/O thread,
    which must take the GIL from the thread running the app for every step. A page is
    always in memory here; files (``send_file``) and generators still stream. A joined
    body's close callbacks (``call_on_close``) run before the server sends it.
    scripts/bench_web, two cores: on SQLite, 15 s pairs run back to back, 393 against
    373 and 412 against 390 ballots/s; on PostgreSQL, where the app's thread also waits
    for the database, server CPU per ballot ~5.4 -> ~4.0 ms (246-256 -> 339-351/s).
    """

    def get_app_iter(self, environ: dict[str, Any]) -> Iterable[bytes]:
        """The body for ``environ``'s request: ``[bytes]`` when buffered, else werkzeug's
        iterator. The close callbacks run once the bytes are joined."""
        app_iter = super().get_app_iter(environ)
        if not self.is_sequence:
            return app_iter
        try:
            return [b"".join(app_iter)]
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
