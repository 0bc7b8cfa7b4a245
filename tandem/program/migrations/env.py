"""Alembic environment: runs against the engine Tandem hands over, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from tandem.program.db import get_engine
from tandem.program.schema import metadata

config = context.config
engine = config.attributes.get("engine") or get_engine()

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
