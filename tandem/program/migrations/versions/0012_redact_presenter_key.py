"""redact the presenter's pseudonym key from the audit log

Until now the first presenter session wrote the installation's pseudonym key
into the audit log (the ``setting.put`` row of the ``presenter`` setting, its
value before and after), so anyone who read the audit log could rebuild the
mapping presenter mode hides.  This revision replaces those values with
``"(secret, not recorded)"``, as new writes now record them; who wrote the key,
and when, stays.  Nothing else changes.  There is no way back: the downgrade
leaves the rows redacted.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Frozen copies (a migration never imports the code it migrates).
_PRESENTER_KEY = "presenter"
_NOT_RECORDED = "(secret, not recorded)"


def upgrade() -> None:
    bind = op.get_bind()
    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Text),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
    )
    rows = bind.execute(
        sa.select(audit.c.id, audit.c.before, audit.c.after).where(
            audit.c.entity == "setting", audit.c.entity_id == _PRESENTER_KEY
        )
    ).all()
    for row_id, before, after in rows:
        bind.execute(
            audit.update()
            .where(audit.c.id == row_id)
            .values(before=_redacted(before), after=_redacted(after))
        )


def _redacted(value: object) -> object:
    if isinstance(value, dict):
        return dict.fromkeys(value, _NOT_RECORDED)
    return None


def downgrade() -> None:
    """The key stays out of the audit log."""
