"""Alembic environment: migrates the database named in the Config's sqlalchemy.url."""

from alembic import context
from sqlalchemy import pool

import app.models  # noqa: F401 - registers every table on the metadata
from app.db import make_engine
from app.models import metadata

config = context.config


def run_migrations_offline() -> None:
    """Emits SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Runs the migrations on a connection of our own engine (same SQLite pragmas)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # No statement timeout: a migration may rewrite a large table; it runs before serving.
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool,
                         statement_timeout=0)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:
    """Configures the context on ``connection`` and runs the migrations in one transaction."""
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
