"""Fast bulk upsert shared by the bundle importer and the demo generator.

``INSERT … ON CONFLICT (primary key) DO UPDATE`` on both SQLite and PostgreSQL,
sent in chunks through the driver's executemany, inside the caller's
transaction (so an import stays all-or-nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

CHUNK_ROWS = 5_000


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    update_columns: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` into ``table``, updating rows whose primary key exists.

    Every row must carry the same keys.  ``update_columns`` limits what an
    existing row has overwritten (default: every non-key column given).
    Returns the number of rows sent.
    """
    if not rows:
        return 0
    keys = list(rows[0].keys())
    primary = [column.name for column in table.primary_key.columns]
    updatable = [k for k in (update_columns or keys) if k not in primary and k in keys]
    insert_fn = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert_fn(table)
    if updatable:
        statement = statement.on_conflict_do_update(
            index_elements=primary,
            set_={name: statement.excluded[name] for name in updatable},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=primary)
    sent = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        connection.execute(statement, list(chunk))
        sent += len(chunk)
        if progress is not None:
            progress(sent)
    return sent
