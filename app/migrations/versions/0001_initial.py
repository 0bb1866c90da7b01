# ruff: noqa: E501 - generated table definitions read best one per line
"""Initial schema: places, accounts, rounds, questions, stembureaus, initiatives, audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 17:40:22.322980
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.create_table('stadsdeel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stadsdeel')),
    sa.UniqueConstraint('name', name=op.f('uq_stadsdeel_name'))
    )
    op.create_table('wijk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stadsdeel_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('inhabitants', sa.Integer(), nullable=False),
    sa.Column('postcodes', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['stadsdeel_id'], ['stadsdeel.id'], name=op.f('fk_wijk_stadsdeel_id_stadsdeel')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijk')),
    sa.UniqueConstraint('code', name=op.f('uq_wijk_code')),
    sa.UniqueConstraint('stadsdeel_id', 'name', name=op.f('uq_wijk_stadsdeel_id_name'))
    )
    with op.batch_alter_table('wijk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijk_stadsdeel_id'), ['stadsdeel_id'], unique=False)

    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('stadsdeel_id', sa.Integer(), nullable=True),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['stadsdeel_id'], ['stadsdeel.id'], name=op.f('fk_account_stadsdeel_id_stadsdeel')),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_account_wijk_id_wijk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('username', name=op.f('uq_account_username'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_stadsdeel_id'), ['stadsdeel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_wijk_id'), ['wijk_id'], unique=False)

    op.create_table('round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('submission_start', sa.Date(), nullable=True),
    sa.Column('review_start', sa.Date(), nullable=True),
    sa.Column('voting_start', sa.Date(), nullable=True),
    sa.Column('voting_end', sa.Date(), nullable=True),
    sa.Column('counting_start', sa.Date(), nullable=True),
    sa.Column('budget_rate_cents', sa.BigInteger(), nullable=True),
    sa.Column('budget_fixed_cents', sa.BigInteger(), nullable=True),
    sa.Column('min_age_text', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_round_wijk_id_wijk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round'))
    )
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_wijk_id'), ['wijk_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['account.id'], name=op.f('fk_audit_event_actor_id_account')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_audit_event_round_id_round')),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_audit_event_wijk_id_wijk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_wijk_id'), ['wijk_id'], unique=False)

    op.create_table('initiative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cofinancing_cents', sa.BigInteger(), nullable=False),
    sa.Column('access_token_hash', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_initiative_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative'))
    )
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_status'), ['status'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=True),
    sa.Column('points_total', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_question_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('round_id', 'position', name=op.f('uq_question_round_id_position'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_round_id'), ['round_id'], unique=False)

    op.create_table('stembureau',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('opening_hours', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_stembureau_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stembureau'))
    )
    with op.batch_alter_table('stembureau', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stembureau_round_id'), ['round_id'], unique=False)

    op.create_table('cost_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_cost_line_initiative_id_initiative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_line'))
    )
    with op.batch_alter_table('cost_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_line_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('initiator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiator_initiative_id_initiative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiator'))
    )
    with op.batch_alter_table('initiator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiator_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('support_shown', sa.Boolean(), nullable=False),
    sa.Column('stakeholders_consulted', sa.Boolean(), nullable=False),
    sa.Column('fits_needs', sa.Boolean(), nullable=False),
    sa.Column('adds_value', sa.Boolean(), nullable=False),
    sa.Column('incidental_only', sa.Boolean(), nullable=False),
    sa.Column('no_commercial_interest', sa.Boolean(), nullable=False),
    sa.Column('legitimacy', sa.Integer(), nullable=True),
    sa.Column('legitimacy_note', sa.Text(), nullable=False),
    sa.Column('involvement', sa.Integer(), nullable=True),
    sa.Column('involvement_note', sa.Text(), nullable=False),
    sa.Column('return_value', sa.Integer(), nullable=True),
    sa.Column('return_note', sa.Text(), nullable=False),
    sa.Column('decision_level', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_review_initiative_id_initiative')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['account.id'], name=op.f('fk_review_reviewer_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('contact_hash', sa.String(length=128), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_support_initiative_id_initiative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support')),
    sa.UniqueConstraint('initiative_id', 'contact_hash', name=op.f('uq_support_initiative_id_contact_hash'))
    )
    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_token_hash'), ['token_hash'], unique=False)



def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_token_hash'))
        batch_op.drop_index(batch_op.f('ix_support_initiative_id'))

    op.drop_table('support')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_initiative_id'))

    op.drop_table('review')
    with op.batch_alter_table('initiator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiator_initiative_id'))

    op.drop_table('initiator')
    with op.batch_alter_table('cost_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_line_initiative_id'))

    op.drop_table('cost_line')
    with op.batch_alter_table('stembureau', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stembureau_round_id'))

    op.drop_table('stembureau')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_round_id'))

    op.drop_table('question')
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_status'))
        batch_op.drop_index(batch_op.f('ix_initiative_round_id'))

    op.drop_table('initiative')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_wijk_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_round_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_wijk_id'))

    op.drop_table('round')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_wijk_id'))
        batch_op.drop_index(batch_op.f('ix_account_stadsdeel_id'))

    op.drop_table('account')
    with op.batch_alter_table('wijk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wijk_stadsdeel_id'))

    op.drop_table('wijk')
    op.drop_table('stadsdeel')
