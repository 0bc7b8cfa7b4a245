"""theme_slice_counts: the theme aggregates' counts per cohort slice

The Feedback themes page and the Overview grouped every stored note fact
(463,000 at 50,000 pairings) on each cold view: 2-3 s of SQL.  The theme
refresh now stores the counts per cohort slice (some thousands of rows), and
views that select whole cohorts sum them.  A new table only: nothing existing
changes.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    op.create_table(
        "theme_slice_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slice_cohort_id", sa.String(length=64), nullable=True),
        sa.Column("program_level", sa.Integer(), nullable=False),
        sa.Column("grouping", sa.String(length=16), nullable=False),
        sa.Column("grp", sa.Text(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("is_units", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("sentiment_sum", sa.Float(), nullable=True),
        sa.Column("negative", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("theme_slice_counts")
