"""Migrations: from an empty database and from every revision to head, with no drift."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.pool import NullPool

from app.db import make_engine
from app.migrate import alembic_config, downgrade, upgrade
from app.models import metadata

REVISIONS = [script.revision for script in
             ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()]


def schema_drift(url: str) -> list:
    """Differences between the migrated database and the SQLModel tables."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                  "compare_server_default": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    """Tables present in the database."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    assert table_names(empty_database_url) == set(metadata.tables) | {"alembic_version"}


def test_models_and_migrations_do_not_drift(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    assert schema_drift(empty_database_url) == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_from_every_revision_reaches_head(empty_database_url: str, revision: str) -> None:
    upgrade(empty_database_url, revision)
    upgrade(empty_database_url)
    assert schema_drift(empty_database_url) == []


def test_downgrade_to_base_and_up_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert table_names(empty_database_url) <= {"alembic_version"}
    upgrade(empty_database_url)
    assert schema_drift(empty_database_url) == []


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(app) -> None:
    from sqlalchemy import text

    from app.db import get_session

    with app.app_context():
        session = get_session()
        assert session.exec(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.exec(text("PRAGMA foreign_keys")).scalar() == 1


def test_dropping_a_column_keeps_every_row_and_reference(empty_database_url: str) -> None:
    # 0007 drops a column of the initiative table, which cost lines and initiators of
    # the demo refer to, with foreign keys on (a batch-mode copy of the table failed).
    from sqlmodel import Session, func, select

    from app import create_app
    from app.db import EXTENSION
    from app.models import CostLine, Initiative
    from app.services import demo
    from tests.app.conftest import TEST_CONFIG

    upgrade(empty_database_url, "0006")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": empty_database_url})
    engine = app.extensions[EXTENSION]
    rows = select(Initiative.id, Initiative.title, Initiative.status).order_by(Initiative.id)
    costed = select(func.count()).select_from(CostLine).join(
        Initiative, CostLine.initiative_id == Initiative.id)
    try:
        with app.app_context(), Session(engine) as session:
            demo.seed_if_empty(session)
            before, lines = session.exec(rows).all(), session.exec(costed).one()
        assert len(before) >= 8 and lines >= 8
        engine.dispose()
        upgrade(empty_database_url)
        with app.app_context(), Session(engine) as session:
            assert session.exec(rows).all() == before
            assert session.exec(costed).one() == lines
    finally:
        engine.dispose()
    assert "access_token_hash" not in {
        column["name"] for column in inspect(engine).get_columns("initiative")}
    engine.dispose()
    assert schema_drift(empty_database_url) == []
