"""outcome_cells: What works' outcomes summed per cohort and mentor/mentee combination

What works grouped every pairing (joined with both people, its cohort and its
roll-ups) by seven dimensions on each cold view: 1.3 s of SQL at 50,000
pairings.  The refresh now stores the outcome sums per cohort and combination,
and views that select whole cohorts group those rows.  A new table only:
nothing existing changes.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"


def upgrade() -> None:
    op.create_table(
        "outcome_cells",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cohort_id", sa.String(length=64), nullable=True),
        sa.Column("cohort", sa.Text(), nullable=False),
        sa.Column("mentor_division", sa.Text(), nullable=True),
        sa.Column("mentee_division", sa.Text(), nullable=True),
        sa.Column("mentor_level", sa.Integer(), nullable=True),
        sa.Column("mentee_level", sa.Integer(), nullable=True),
        sa.Column("geography_match", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pairings", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("with_due", sa.Integer(), nullable=False),
        sa.Column("rating_gain_sum", sa.Float(), nullable=True),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("outcome_cells")
