"""pairing_stats: milestone counts as of the refresh day

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("milestones", "milestones_done", "milestones_due", "milestones_overdue")


def upgrade() -> None:
    with op.batch_alter_table("pairing_stats", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pairing_stats", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
