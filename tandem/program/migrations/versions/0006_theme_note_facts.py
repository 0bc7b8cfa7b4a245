"""theme_note_facts: the theme aggregates' per-note facts, stored by the theme refresh

At 50,000 pairings (463,000 notes) the Feedback themes page joined
``feedback`` (wide: its text), ``feedback_analysis`` and ``pairings`` for
every aggregate of every view; the refresh now stores the narrow pre-joined
rows once.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "theme_note_facts",
        sa.Column("feedback_id", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("pairing_id", sa.String(length=64), nullable=True),
        sa.Column("cohort_id", sa.String(length=64), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.feedback_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.theme_id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("feedback_id"),
    )


def downgrade() -> None:
    op.drop_table("theme_note_facts")
