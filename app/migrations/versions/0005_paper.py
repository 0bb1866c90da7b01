"""Paper ballots issued per stembureau, for the reconciliation of paper voting.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        'paper_issued',
        sa.Column('stembureau_id', sa.Integer(), nullable=False),
        sa.Column('issued', sa.Integer(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['stembureau_id'], ['stembureau.id'],
                                name=op.f('fk_paper_issued_stembureau_id_stembureau')),
        sa.ForeignKeyConstraint(['updated_by'], ['account.id'],
                                name=op.f('fk_paper_issued_updated_by_account')),
        sa.PrimaryKeyConstraint('stembureau_id', name=op.f('pk_paper_issued')),
    )


def downgrade() -> None:
    """Reverts this revision."""
    op.drop_table('paper_issued')
