"""Reading and writing the text of a ballot file, wherever it comes from."""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from typing import IO, Any

from ballots.errors import FormatError

Source = str | os.PathLike[str] | IO[bytes] | IO[str]

_MONEY = re.compile(r"([0-9]+)(?:\.([0-9]+))?", re.ASCII)
_INT = re.compile(r"-?[0-9]{1,18}", re.ASCII)


def source_name(source: Any) -> str | None:
    """The path of ``source`` for messages (None for anonymous file objects)."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def read_text(source: Source) -> str:
    """The text of a path or file object, decoded as strict UTF-8 (BOM dropped).

    Raises:
        FormatError: unreadable file or bytes that are not UTF-8 (names the line).
    """
    path = source_name(source)
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as file:
                data: bytes | str = file.read()
        else:
            data = source.read()
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", path=path) from None
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            line=line, path=path,
        ) from None


def write_text(text: str, file: Source) -> None:
    """Writes ``text`` as UTF-8 to a path or to a text or binary file object."""
    if isinstance(file, (str, os.PathLike)):
        with open(file, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    elif isinstance(file, io.TextIOBase):
        file.write(text)
    else:
        file.write(text.encode("utf-8"))  # type: ignore[arg-type]


def parse_cents(text: str) -> int | str:
    """Money as integer cents, or the reason it is not valid money.

    >>> parse_cents("1584196.52"), parse_cents("12.500"), parse_cents("1.234")
    (158419652, 1250, 'has more than 2 decimals')
    """
    text = text.strip()
    match = _MONEY.fullmatch(text)
    if match is None:
        if text.startswith("-") and _MONEY.fullmatch(text[1:]):
            return "is negative"
        return "is not an amount (write e.g. 1250 or 1250.50)"
    whole, decimals = match.group(1), match.group(2) or ""
    if decimals.rstrip("0")[2:]:
        return "has more than 2 decimals"
    if len(whole) > 15:
        return "is too large"
    return int(Decimal(f"{whole}.{decimals or '0'}") * 100)


def format_cents(cents: int) -> str:
    """Cents as a plain decimal amount, without decimals when whole.

    >>> format_cents(158419652), format_cents(1000000), format_cents(5)
    ('1584196.52', '10000', '0.05')
    """
    whole, rest = divmod(cents, 100)
    return str(whole) if rest == 0 else f"{whole}.{rest:02d}"


def parse_int(text: str) -> int | None:
    """A whole number written in ASCII digits (an optional minus), else None.

    >>> parse_int(" 12"), parse_int("-3"), parse_int("1.5"), parse_int("١")
    (12, -3, None, None)
    """
    text = text.strip()
    return int(text) if _INT.fullmatch(text) else None
