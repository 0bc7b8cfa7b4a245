"""activity_days: check-ins and milestones done by cohort and day, for the headlines

The Overview's headlines counted the check-ins (with their ratings) and the
milestones done in two 90-day periods on every cold view: about 200,000
check-ins read at 50,000 pairings.  The refresh now stores the counts per
cohort and day (tens of thousands of rows), and views that select whole
cohorts sum them.  A new table only: nothing existing changes.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    op.create_table(
        "activity_days",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cohort_id", sa.String(length=64), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Float(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("milestones_done", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("activity_days")
