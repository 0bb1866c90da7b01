"""question_count.explanation_json: a budget count's steps, and why each project not
funded was left out, said in Dutch and English.

Counts made before it get ``{}``: their results page shows the outcome without these,
as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision (ALTER TABLE in place, as 0007 explains)."""
    with op.batch_alter_table('question_count', recreate='never') as batch_op:
        batch_op.add_column(sa.Column('explanation_json', sa.Text(), nullable=False,
                                      server_default='{}'))


def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table('question_count', recreate='never') as batch_op:
        batch_op.drop_column('explanation_json')
