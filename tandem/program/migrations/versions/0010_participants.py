"""participants: who signed up for a cohort (the bundle's optional participants.csv)

The people of a cohort who signed up as mentor, mentee or either, paired or
not, so that a lead can match the next cohort (issue #17).  A new table only:
existing data is untouched, and a database without sign-ups simply has none.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("cohort_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "role IN ('mentor', 'mentee', 'either')", name="ck_participants_role"
        ),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.cohort_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.person_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cohort_id", "person_id"),
    )
    op.create_index("ix_participants_person", "participants", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_participants_person", table_name="participants")
    op.drop_table("participants")
