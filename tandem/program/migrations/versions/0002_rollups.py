"""stored roll-ups: pairing_stats, pairing_health_history, rollup_state

Per-pairing check-in/rating roll-ups and month-end health snapshots, written by
the health refresh so that page views at enterprise scale read 1:1 rows instead
of re-deriving them from every check-in (issue #9).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pairing_stats",
        sa.Column("pairing_id", sa.String(length=64), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("first_meeting", sa.Date(), nullable=True),
        sa.Column("last_meeting", sa.Date(), nullable=True),
        sa.Column("rated_meetings", sa.Integer(), nullable=False),
        sa.Column("first_rating", sa.Float(), nullable=True),
        sa.Column("latest_rating", sa.Float(), nullable=True),
        sa.Column("rating_gain", sa.Float(), nullable=True),
        sa.Column("latest_clarity", sa.Integer(), nullable=True),
        sa.Column("latest_confidence", sa.Integer(), nullable=True),
        sa.Column("latest_influence", sa.Integer(), nullable=True),
        sa.Column("latest_safety", sa.Integer(), nullable=True),
        sa.Column("mean_mentor_learning", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.pairing_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pairing_id"),
    )
    op.create_table(
        "pairing_health_history",
        sa.Column("month_end", sa.Date(), nullable=False),
        sa.Column("pairing_id", sa.String(length=64), nullable=False),
        sa.Column("health", sa.Float(), nullable=True),
        sa.Column("stalled", sa.Boolean(), nullable=False),
        sa.Column("at_risk", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.pairing_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("month_end", "pairing_id"),
    )
    with op.batch_alter_table("pairing_health_history", schema=None) as batch_op:
        batch_op.create_index("ix_pairing_health_history_pairing", ["pairing_id"], unique=False)
    op.create_table(
        "rollup_state",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("rollup_state")
    with op.batch_alter_table("pairing_health_history", schema=None) as batch_op:
        batch_op.drop_index("ix_pairing_health_history_pairing")
    op.drop_table("pairing_health_history")
    op.drop_table("pairing_stats")
