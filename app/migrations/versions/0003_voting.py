"""Stemcodes (keyed hashes, single use) and ballots (random ids, no timestamps).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        'stemcode',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'],
                                name=op.f('fk_stemcode_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stemcode')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_stemcode_code_hash')),
    )
    with op.batch_alter_table('stemcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stemcode_round_id'), ['round_id'], unique=False)

    # WITHOUT ROWID (SQLite only): rows sit in the order of their random id, not of casting.
    op.create_table(
        'ballot',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('stembureau_id', sa.Integer(), nullable=True),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_ballot_round_id_round')),
        sa.ForeignKeyConstraint(['stembureau_id'], ['stembureau.id'],
                                name=op.f('fk_ballot_stembureau_id_stembureau')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_round_id'))
    op.drop_table('ballot')
    with op.batch_alter_table('stemcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stemcode_round_id'))
    op.drop_table('stemcode')
