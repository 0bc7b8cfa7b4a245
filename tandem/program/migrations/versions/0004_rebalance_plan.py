"""rebalance_plans: the rebalancing plan and rotation stored by the refresh

At 50,000 pairings the optimal plan takes about a minute to compute, so the
refresh stores it for the saved matching configuration and the Rebalancing
page reads it instead of computing it on a page view.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rebalance_plans",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("config_key", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "config_key"),
    )


def downgrade() -> None:
    op.drop_table("rebalance_plans")
