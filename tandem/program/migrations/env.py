"""Alembic environment: runs against the engine Tandem hands over, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from tandem.program.db import get_engine
from tandem.program.schema import metadata

config = context.config
engine = config.attributes.get("engine") or get_engine()

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table (copy, drop the old, rename): with foreign
        # keys on, dropping the old table would fire the ON DELETE actions of every
        # row that refers to it (theme assignments set to NULL, for one).  The
        # pragma only takes effect outside a transaction, so it comes first.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
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
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"a migration left rows that refer to nothing: {broken[:5]}")
