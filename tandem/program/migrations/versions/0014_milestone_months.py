"""milestone_months: milestones counted by cohort and month, for the burn-up

The Overview and Milestone progress draw the burn-up from every milestone: at
50,000 pairings (160,000 milestones) grouping them by cohort, month due and month
done took 0.3-0.5 s of every cold view.  The refresh now stores those counts (a
few thousand rows) and the views that select whole cohorts read them.  A new
table only: nothing existing changes.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "milestone_months",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cohort_id", sa.String(length=64), nullable=True),
        sa.Column("due_month", sa.String(length=7), nullable=False),
        sa.Column("done_month", sa.String(length=7), nullable=True),
        sa.Column("milestones", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("milestone_months")
