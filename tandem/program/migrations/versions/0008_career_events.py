"""career_events: careers from the HR system (the bundle's optional events.csv)

Hired, promoted, moved and left events per person, so the impact estimate
(issue #16) can compare participants with comparable colleagues who took no
part.  A new table only: existing data is untouched, and a database without
events simply has none.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "career_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("new_level", sa.Integer(), nullable=True),
        sa.Column("voluntary", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('hired', 'promoted', 'moved', 'left')", name="ck_career_events_kind"
        ),
        sa.CheckConstraint("new_level BETWEEN 1 AND 8", name="ck_career_events_new_level"),
        sa.ForeignKeyConstraint(["person_id"], ["people.person_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_career_events_person", "career_events", ["person_id"], unique=False)
    op.create_index("ix_career_events_kind_date", "career_events", ["kind", "date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_career_events_kind_date", table_name="career_events")
    op.drop_index("ix_career_events_person", table_name="career_events")
    op.drop_table("career_events")
