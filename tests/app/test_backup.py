"""scripts/backup's engine: a consistent online copy that restores to the same data."""

import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.backup import BackupError, backup
from app.db import EXTENSION
from tests.app.conftest import TEST_CONFIG, snapshot


def restored_app(url: str):
    return create_app({**TEST_CONFIG, "DATABASE_URL": url})


def test_backup_restores_to_identical_rows(app, database, backend, tmp_path, request):
    before = snapshot(app)
    copy = backup(database[0], tmp_path / "backup.file")
    if backend == "sqlite":
        restored_url = f"sqlite:///{copy}"
    else:
        templates = request.getfixturevalue("postgres_templates")
        name = "restore_" + tmp_path.name.lower().replace("-", "_")[-40:]
        templates.execute(f'CREATE DATABASE "{name}"')
        restored_url = templates.url(name)
        libpq = make_url(restored_url).set(drivername="postgresql")
        subprocess.run(["pg_restore", "--no-owner", "--dbname",
                        libpq.render_as_string(hide_password=False), str(copy)],
                       check=True, capture_output=True)
        request.addfinalizer(lambda: templates.drop(name))
    restored = restored_app(restored_url)
    try:
        assert snapshot(restored) == before
    finally:
        restored.extensions[EXTENSION].dispose()


@pytest.mark.sqlite_only  # SQLite's online backup API; pg_dump reads one snapshot
def test_sqlite_backup_is_consistent_while_writes_go_on(database, tmp_path):
    engine = create_engine(database[0])
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE ledger (n INTEGER NOT NULL, total INTEGER NOT NULL)"))
    stop = threading.Event()

    def write() -> None:
        # Each transaction adds a row and keeps the invariant total == sum of n.
        n = 0
        while not stop.is_set():
            n += 1
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO ledger VALUES (:n, :n + COALESCE((SELECT SUM(n) FROM ledger), 0))"
                ), {"n": n})

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [backup(database[0], tmp_path / f"copy{i}.db") for i in range(5)]
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    for copy in copies:
        check = create_engine(f"sqlite:///{copy}")
        with check.connect() as connection:
            rows = connection.execute(text("SELECT n, total FROM ledger ORDER BY n")).all()
        check.dispose()
        running = 0
        for n, total in rows:
            running += n
            assert total == running


def test_backup_refuses_to_overwrite_and_missing_databases(tmp_path: Path):
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"")
    with pytest.raises(BackupError, match="already exists"):
        backup(f"sqlite:///{tmp_path / 'x.db'}", existing)
    with pytest.raises(BackupError, match="no SQLite database"):
        backup(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "out.db")
