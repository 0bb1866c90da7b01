"""CSV import of wijken with inhabitant counts (CBS "wijken en buurten" style).

The first line names the columns; Dutch and CBS names are understood. Every bad
row is reported with its line number and nothing is stored unless the whole file
is good. Existing wijken (same code, or same name in the same stadsdeel) are
updated; stadsdelen named in the file are created when new.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from app.models import Stadsdeel, Wijk
from app.services import audit
from app.services.errors import ServiceError
from app.services.wijken import MAX_INHABITANTS, normalise_postcodes

MAX_ROWS = 20_000
MAX_POSTCODES_TEXT = 2000  # the length of Wijk.postcodes
COLUMNS = {
    "name": ("wijk", "naam", "wijknaam", "regio", "wijken_en_buurten", "name"),
    "code": ("code", "wijkcode", "gwb_code", "gwb_code_10", "gwb_code_8"),
    "inhabitants": ("inwoners", "aantal_inwoners", "a_inw", "inhabitants"),
    "stadsdeel": ("stadsdeel", "district"),
    "postcodes": ("postcodes", "postcode", "postcodegebieden"),
}
_COUNT = re.compile(r"^\d{1,3}(?:[. ]\d{3})+$|^\d+$")


@dataclass
class RowError:
    """One problem in the file: line number (1 is the header), message code and values."""

    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class ImportRejected(ValueError):
    """The file was not imported; ``errors`` lists every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    stadsdelen_created: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), else Windows-1252 (Excel's default)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def _header(fieldnames: list[str]) -> tuple[dict[str, str], list[RowError]]:
    """Maps our field names to the file's column names; reports missing columns."""
    found: dict[str, str] = {}
    for column in fieldnames:
        key = column.strip().lower().replace(" ", "_")
        for name, aliases in COLUMNS.items():
            if key in aliases and name not in found:
                found[name] = column
    errors = [RowError(1, "csv_missing_column", {"column": aliases[0]})
              for name, aliases in COLUMNS.items()
              if name in ("name", "inhabitants") and name not in found]
    return found, errors


def parse(data: bytes, default_stadsdeel: str | None) -> list[tuple[int, dict[str, Any]]]:
    """Rows of the file as (line, values); raises ImportRejected listing every bad row.

    Args:
        data: the uploaded bytes.
        default_stadsdeel: stadsdeel name for rows without a stadsdeel column.

    Returns:
        e.g. ``[(2, {"name": "Paddepoel", "code": None, "inhabitants": 9000,
        "stadsdeel": "West", "postcodes": "9742"})]``.
    """
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise ImportRejected([RowError(1, "csv_encoding")]) from None
    if "\x00" in text:
        raise ImportRejected([RowError(1, "csv_encoding")])
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error:  # e.g. a header cell beyond csv's field size limit
        raise ImportRejected([RowError(max(1, reader.line_num), "csv_broken")]) from None
    columns, errors = _header(fieldnames)
    if errors:
        raise ImportRejected(errors)
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for raw in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                errors.append(RowError(line, "csv_too_many_rows", {"limit": MAX_ROWS}))
                break
            if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
                continue
            values, problem = _row(raw, columns, default_stadsdeel)
            if problem:
                errors.append(RowError(line, *problem))
                continue
            key = (values["stadsdeel"], values["name"].lower())
            if key in seen:
                errors.append(RowError(line, "csv_duplicate", {"other": seen[key]}))
                continue
            seen[key] = line
            rows.append((line, values))
    except csv.Error:
        errors.append(RowError(reader.line_num, "csv_broken"))
    if not rows and not errors:
        errors.append(RowError(1, "csv_empty"))
    if errors:
        raise ImportRejected(errors)
    return rows


def _row(raw: dict[str, Any], columns: dict[str, str], default_stadsdeel: str | None
         ) -> tuple[dict[str, Any], tuple[str, dict[str, Any]] | None]:
    """One row's values, or the problem with it."""
    if None in raw:  # more cells than header columns
        return {}, ("csv_extra_cells", {})

    def cell(name: str) -> str:
        return (raw.get(columns[name]) or "").strip() if name in columns else ""

    name, count = cell("name"), cell("inhabitants").replace("\u00a0", " ")
    if not name:
        return {}, ("csv_no_name", {})
    if len(name) > 100:
        return {}, ("csv_too_long", {"column": "wijk"})
    if not _COUNT.match(count):
        return {}, ("csv_bad_count", {"value": count[:30]})
    inhabitants = int(count.replace(".", "").replace(" ", ""))
    if inhabitants > MAX_INHABITANTS:
        return {}, ("csv_bad_count", {"value": count[:30]})
    stadsdeel = cell("stadsdeel") or (default_stadsdeel or "")
    if not stadsdeel:
        return {}, ("csv_no_stadsdeel", {})
    code = cell("code").upper() or None
    if len(stadsdeel) > 100 or (code and not re.fullmatch(r"[A-Z0-9]{1,20}", code)):
        return {}, ("csv_bad_code" if code else "csv_too_long",
                    {"column": "code" if code else "stadsdeel"})
    try:
        postcodes = normalise_postcodes(cell("postcodes"))
    except ServiceError as error:
        return {}, ("bad_postcode", error.params)
    if len(postcodes) > MAX_POSTCODES_TEXT:
        return {}, ("csv_too_long", {"column": "postcodes"})
    return {"name": name, "code": code, "inhabitants": inhabitants,
            "stadsdeel": stadsdeel, "postcodes": postcodes}, None


def import_wijken(session: Session, data: bytes, default_stadsdeel_id: int | None = None,
                  actor_id: int | None = None) -> ImportReport:
    """Imports a CSV of wijken in one transaction: all rows, or none.

    Args:
        session: a database session.
        data: the file's bytes.
        default_stadsdeel_id: stadsdeel for rows that name none.
        actor_id: the administrator.

    Returns:
        Counts, e.g. ``ImportReport(created=3, updated=1)``.

    Raises:
        ImportRejected: with every bad row; the database is unchanged.
    """
    default = session.get(Stadsdeel, default_stadsdeel_id) if default_stadsdeel_id else None
    rows = parse(data, default.name if default else None)
    report = ImportReport()
    by_name = {s.name: s for s in session.exec(select(Stadsdeel))}
    errors: list[RowError] = []
    for line, values in rows:
        stadsdeel = by_name.get(values["stadsdeel"])
        if stadsdeel is None:
            stadsdeel = by_name[values["stadsdeel"]] = Stadsdeel(name=values["stadsdeel"])
            session.add(stadsdeel)
            session.flush()
            report.stadsdelen_created.append(stadsdeel.name)
        problem = _store_row(session, stadsdeel, values, report)
        if problem:
            errors.append(RowError(line, problem))
    if errors:
        session.rollback()
        raise ImportRejected(errors)
    audit.record(session, "wijken.imported", actor_id=actor_id,
                 details={"created": report.created, "updated": report.updated,
                          "stadsdelen_created": report.stadsdelen_created})
    session.commit()
    return report


def _store_row(session: Session, stadsdeel: Stadsdeel, values: dict[str, Any],
               report: ImportReport) -> str | None:
    """Creates or updates the row's wijk; returns a problem code when it clashes."""
    wijk = None
    if values["code"]:
        wijk = session.exec(select(Wijk).where(Wijk.code == values["code"])).first()
    same_name = session.exec(select(Wijk).where(Wijk.stadsdeel_id == stadsdeel.id,
                                                Wijk.name == values["name"])).first()
    if wijk is None:
        wijk = same_name
    elif same_name is not None and same_name is not wijk:
        return "csv_code_name_clash"
    if wijk is None:
        wijk = Wijk(stadsdeel_id=stadsdeel.id, name=values["name"])
        report.created += 1
    else:
        report.updated += 1
    wijk.stadsdeel_id, wijk.name = stadsdeel.id, values["name"]
    wijk.code = values["code"] or wijk.code
    wijk.inhabitants, wijk.postcodes = values["inhabitants"], values["postcodes"]
    session.add(wijk)
    session.flush()
    return None
