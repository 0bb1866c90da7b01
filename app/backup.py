"""Consistent online backups of the Wijkstem database.

SQLite: the SQLite online backup API copies a consistent snapshot while the
app keeps serving (writers wait for at most a page step, nobody is stopped).
PostgreSQL: ``pg_dump --format=custom`` does the same with a snapshot
transaction; restore with ``pg_restore --clean --dbname URL FILE``.
"""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


def default_destination(folder: Path, url: str) -> Path:
    """``folder/wijkstem-YYYYmmdd-HHMMSS.<db|dump>``, in UTC."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "db" if make_url(url).get_backend_name() == "sqlite" else "dump"
    return folder / f"wijkstem-{stamp}.{suffix}"


def backup(url: str, destination: Path) -> Path:
    """Writes a consistent copy of the database at ``url`` to ``destination``.

    Args:
        url: the SQLAlchemy database URL the app uses.
        destination: file to create (must not exist).

    Returns:
        The destination path.

    Raises:
        BackupError: the database cannot be read or the destination exists.
    """
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose another file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _backup_sqlite(parsed.database or "", destination)
    if parsed.get_backend_name() == "postgresql":
        return _backup_postgres(parsed, destination)
    raise BackupError(f"no backup method for {parsed.get_backend_name()} databases")


def _backup_sqlite(path: str, destination: Path) -> Path:
    if not path or path == ":memory:" or not Path(path).exists():
        raise BackupError(f"no SQLite database at {path!r}")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
        (status,) = target.execute("PRAGMA integrity_check").fetchone()
        if status != "ok":
            raise BackupError(f"the copy failed its integrity check: {status}")
    finally:
        target.close()
        source.close()
    return destination


def _backup_postgres(url, destination: Path) -> Path:
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        subprocess.run(["pg_dump", "--format=custom", "--file", str(destination), libpq_url],
                       check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError("pg_dump is not installed (Debian: postgresql-client)") from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"pg_dump failed: {error.stderr.strip()}") from None
    return destination
