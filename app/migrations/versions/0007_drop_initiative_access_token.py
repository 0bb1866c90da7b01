"""Drops initiative.access_token_hash: never used (initiators follow their initiative on
its public page, which shows its status and the review's reason).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision.

    ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): batch mode's copy-and-rename
    would DROP the old table, which foreign keys from cost_line, initiator, review and
    support forbid while they are on (and they cannot be switched off in a transaction).
    """
    with op.batch_alter_table('initiative', recreate='never') as batch_op:
        batch_op.drop_column('access_token_hash')


def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table('initiative', recreate='never') as batch_op:
        batch_op.add_column(sa.Column('access_token_hash', sa.String(length=128), nullable=True))
