"""The two error types of the ballot library.

Both carry a machine-readable ``code`` and ``params`` so that the web app can
translate them, and an English ``str()`` for the command line and logs.
"""

from __future__ import annotations

from typing import Any


class BallotError(ValueError):
    """A ballot breaks its spec: too many choices, over budget, unknown option...

    Args:
        code: stable identifier of the problem, e.g. ``"too_many"``.
        message: English explanation naming the option or limit involved.
        **params: the values in the message (``limit=3``, ``option="p7"``).
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class FormatError(ValueError):
    """A file (.pb, .blt, CSV) cannot be read; names the line and the reason."""

    def __init__(self, message: str, *, line: int | None = None, path: str | None = None) -> None:
        where = ""
        if path is not None:
            where += f"{path}: "
        if line is not None:
            where += f"line {line}: "
        super().__init__(where + message)
        self.reason = message
        self.line = line
        self.path = path
