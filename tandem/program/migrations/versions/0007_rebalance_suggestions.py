"""rebalance_suggestions: the stored plan's suggestions, one row each

At 50,000 pairings the stored plan was one 14 MB JSON document (13,000
suggestions) that the Rebalancing page parsed whole on a cold view to show ten
cards.  Its suggestions now live one per row: the page reads the columns it
orders, scopes and totals by, and the full suggestion only for the cards it
shows.  A plan stored before this revision is moved over as it is (it stays
current); downgrading puts the suggestions back into the document.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_plans = sa.table(
    "rebalance_plans",
    sa.column("kind", sa.String),
    sa.column("config_key", sa.String),
    sa.column("plan", sa.JSON),
)
_suggestions = sa.table(
    "rebalance_suggestions",
    sa.column("config_key", sa.String),
    sa.column("pairing_id", sa.String),
    sa.column("position", sa.Integer),
    sa.column("cohort_id", sa.String),
    sa.column("gain", sa.Float),
    sa.column("current_mentor_id", sa.String),
    sa.column("suggested_mentor_id", sa.String),
    sa.column("suggestion", sa.JSON),
)
_REBALANCE = _plans.c.kind == "rebalance"


def upgrade() -> None:
    op.create_table(
        "rebalance_suggestions",
        sa.Column("config_key", sa.String(length=64), nullable=False),
        sa.Column("pairing_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.String(length=64), nullable=True),
        sa.Column("gain", sa.Float(), nullable=False),
        sa.Column("current_mentor_id", sa.String(length=64), nullable=False),
        sa.Column("suggested_mentor_id", sa.String(length=64), nullable=False),
        sa.Column("suggestion", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("config_key", "pairing_id"),
    )
    connection = op.get_bind()
    for key, plan in connection.execute(
        sa.select(_plans.c.config_key, _plans.c.plan).where(_REBALANCE)
    ).all():
        value: dict[str, Any] = dict(plan)
        rows = [
            {
                "config_key": key,
                "pairing_id": item["pairing_id"],
                "position": position,
                "cohort_id": item.get("cohort_id"),
                "gain": item["gain"],
                "current_mentor_id": item["current_mentor_id"],
                "suggested_mentor_id": item["suggested_mentor_id"],
                "suggestion": item,
            }
            for position, item in enumerate(value.get("suggestions") or [])
        ]
        if rows:
            connection.execute(sa.insert(_suggestions), rows)
        value["suggestions"] = []
        value["suggestion_rows"] = len(rows)  # tandem.matching.rebalance_store checks it when reading
        connection.execute(
            sa.update(_plans).where(_REBALANCE, _plans.c.config_key == key).values(plan=value)
        )


def downgrade() -> None:
    connection = op.get_bind()
    for key, plan in connection.execute(
        sa.select(_plans.c.config_key, _plans.c.plan).where(_REBALANCE)
    ).all():
        items = connection.execute(
            sa.select(_suggestions.c.suggestion)
            .where(_suggestions.c.config_key == key)
            .order_by(_suggestions.c.position)
        ).scalars()
        value: dict[str, Any] = {**dict(plan), "suggestions": list(items)}
        value.pop("suggestion_rows", None)
        connection.execute(
            sa.update(_plans).where(_REBALANCE, _plans.c.config_key == key).values(plan=value)
        )
    op.drop_table("rebalance_suggestions")
