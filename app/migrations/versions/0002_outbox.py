"""Outbox of messages to residents (support confirmations until mail/SMS is connected).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('wijk_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'],
                                name=op.f('fk_outbox_message_wijk_id_wijk')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_wijk_id'), ['wijk_id'], unique=False)


def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_wijk_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_at'))
    op.drop_table('outbox_message')
