"""themes: a name as long as the bundle's coded_theme, unique through its hash

The bundle lets ``feedback.csv``'s ``coded_theme`` be any text up to 10,000
characters, and a coded theme becomes a theme; ``themes.name`` was
``VARCHAR(200) UNIQUE``, so Tandem refused longer coded themes.  A unique b-tree
index on PostgreSQL cannot hold keys that long, so uniqueness moves to
``name_key`` (the name's SHA-256, exact text as before) and ``name`` becomes
unbounded text.  Existing themes get their key here; nothing else changes.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: Names the unnamed unique constraint of 0001 so batch mode (SQLite) can drop it.
_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_name_constraint() -> str:
    """The unique constraint on ``themes.name`` as the backend named it."""
    if op.get_bind().dialect.name == "sqlite":
        return "uq_themes_name"  # from _NAMING
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints("themes"):
        if constraint["column_names"] == ["name"] and constraint["name"]:
            return str(constraint["name"])
    raise RuntimeError("themes.name has no unique constraint to replace")


def upgrade() -> None:
    op.add_column("themes", sa.Column("name_key", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    themes = sa.table("themes", sa.column("theme_id"), sa.column("name"), sa.column("name_key"))
    for theme_id, name in bind.execute(sa.select(themes.c.theme_id, themes.c.name)).all():
        key = hashlib.sha256(name.encode("utf-8")).hexdigest()
        bind.execute(themes.update().where(themes.c.theme_id == theme_id).values(name_key=key))
    old = _old_name_constraint()
    with op.batch_alter_table("themes", naming_convention=_NAMING) as batch_op:
        batch_op.drop_constraint(old, type_="unique")
        batch_op.alter_column("name_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column(
            "name", existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=False
        )
        batch_op.create_unique_constraint("uq_themes_name_key", ["name_key"])


def downgrade() -> None:
    # Back to VARCHAR(200): a theme whose name is longer cannot be kept.
    bind = op.get_bind()
    long_names = bind.execute(sa.text("SELECT count(*) FROM themes WHERE length(name) > 200"))
    if long_names.scalar():
        raise RuntimeError("themes with names over 200 characters: cannot downgrade below 0011")
    with op.batch_alter_table("themes") as batch_op:
        batch_op.drop_constraint("uq_themes_name_key", type_="unique")
        batch_op.alter_column(
            "name", existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=False
        )
        batch_op.create_unique_constraint("uq_themes_name", ["name"])
        batch_op.drop_column("name_key")
