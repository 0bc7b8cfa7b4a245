"""impact_reports: the Impact page's reports, stored by the refresh

At 50,000 pairings an impact report (participants, every comparable
colleague at every cohort start, the matching and its bootstrap) takes about
30 seconds, so the refresh stores the program's and each cohort's report at
the default horizon and the page reads it while it is current
(``tandem.impact.store``).  A new table only: nothing existing changes.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impact_reports",
        sa.Column("view", sa.String(length=64), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("fingerprint", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("view", "months"),
    )


def downgrade() -> None:
    op.drop_table("impact_reports")
