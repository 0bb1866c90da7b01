"""Counts per question: ballot file, rule, seed, result and the four-eyes steps.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        'question_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=30), nullable=False),
        sa.Column('seed', sa.String(length=64), nullable=False),
        sa.Column('ballots_name', sa.String(length=100), nullable=False),
        sa.Column('ballots_file', sa.LargeBinary(), nullable=False),
        sa.Column('ballots_sha256', sa.String(length=64), nullable=False),
        sa.Column('total_ballots', sa.Integer(), nullable=False),
        sa.Column('n_ballots', sa.Integer(), nullable=False),
        sa.Column('labels_json', sa.Text(), nullable=False),
        sa.Column('result_json', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('counted_by', sa.Integer(), nullable=False),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_by', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['confirmed_by'], ['account.id'],
                                name=op.f('fk_question_count_confirmed_by_account')),
        sa.ForeignKeyConstraint(['counted_by'], ['account.id'],
                                name=op.f('fk_question_count_counted_by_account')),
        sa.ForeignKeyConstraint(['published_by'], ['account.id'],
                                name=op.f('fk_question_count_published_by_account')),
        sa.ForeignKeyConstraint(['question_id'], ['question.id'],
                                name=op.f('fk_question_count_question_id_question')),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'],
                                name=op.f('fk_question_count_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_count')),
        sa.UniqueConstraint('round_id', 'question_id',
                            name=op.f('uq_question_count_round_id_question_id')),
    )
    with op.batch_alter_table('question_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_count_round_id'), ['round_id'],
                              unique=False)


def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table('question_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_count_round_id'))
    op.drop_table('question_count')
