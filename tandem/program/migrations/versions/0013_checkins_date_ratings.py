"""check-ins by date with their ratings in the index

The Overview's headlines (meetings held and mean rating, this period and the
one before) read every check-in of a 90-day window: 165,000 at 50,000 pairings.
By the date index alone each one was a lookup in the table, 0.35 s a period on
SQLite; with the pairing and the four ratings in the index the window is read
from the index alone, 0.07 s.  The new index starts with the date, so it serves
every query the old date index served, and replaces it.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_COLUMNS = ["date", "pairing_id", "clarity", "confidence", "influence", "safety"]


def upgrade() -> None:
    op.create_index("ix_checkins_date_ratings", "checkins", _COLUMNS, unique=False)
    op.drop_index("ix_checkins_date", table_name="checkins")


def downgrade() -> None:
    op.create_index("ix_checkins_date", "checkins", ["date"], unique=False)
    op.drop_index("ix_checkins_date_ratings", table_name="checkins")
