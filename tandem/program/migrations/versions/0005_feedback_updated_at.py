"""feedback.updated_at: the theme refresh's change signal

An incremental theme refresh used to find changed notes by hashing every
note's text (about a second at 460,000 notes).  Every write now stamps the
note (``feedback.updated_at``, indexed), and each refresh run records the time
before which every note is settled (``theme_refresh_runs.settled_before``), so
the next run reads only the notes stamped since.  Existing notes get a stamp
from before any run; existing runs have no ``settled_before``, so the first
refresh after this migration checks every note by its text, as before.

Also an index on a theme's notes by confidence (the refresh's keyword sample
and the quotes read a theme's most confident notes).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Before any refresh could have run: "changed before stamping began".
BACKFILL = dt.datetime(1970, 1, 1)


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy of the table) on both backends.
    op.add_column("feedback", sa.Column("updated_at", sa.DateTime(), nullable=True))
    feedback = sa.table("feedback", sa.column("updated_at", sa.DateTime()))
    op.execute(feedback.update().values(updated_at=BACKFILL))
    op.create_index("ix_feedback_updated_at", "feedback", ["updated_at"], unique=False)
    op.add_column("theme_refresh_runs", sa.Column("settled_before", sa.DateTime(), nullable=True))
    op.create_index(
        "ix_feedback_analysis_theme_rank",
        "feedback_analysis",
        ["theme_id", sa.text("confidence DESC"), "feedback_id"],
        unique=False,
    )


def downgrade() -> None:
    # Not in batch mode: on SQLite that copies the table and drops the old one,
    # and with foreign keys on, dropping ``feedback`` deletes every analysis.
    op.drop_index("ix_feedback_analysis_theme_rank", table_name="feedback_analysis")
    op.drop_column("theme_refresh_runs", "settled_before")
    op.drop_index("ix_feedback_updated_at", table_name="feedback")
    op.drop_column("feedback", "updated_at")
