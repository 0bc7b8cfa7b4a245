"""Fast bulk upsert shared by the bundle importer, the demo generator and the refreshes.

``INSERT … ON CONFLICT (primary key) DO UPDATE`` inside the caller's
transaction (so an import stays all-or-nothing), by the fastest route each
backend offers:

- SQLite: the driver's ``executemany`` on a prepared statement, with values
  converted once by the columns' own SQLAlchemy bind processors (SQLAlchemy's
  per-row statement machinery cost more than the insert itself);
- PostgreSQL: ``COPY`` into a temporary table, then one
  ``INSERT … SELECT … ON CONFLICT`` from it (``executemany`` is several times
  slower for large loads).

Both give exactly what a plain SQLAlchemy insert would store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table

CHUNK_ROWS = 20_000


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


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
    given = list(rows[0].keys())
    primary = [column.name for column in table.primary_key.columns]
    updatable = [k for k in (update_columns or given) if k not in primary and k in given]
    defaults = _python_defaults(table, given)
    if defaults:
        rows = [{**row, **defaults} for row in rows]
    keys = [*given, *defaults]
    load = _upsert_postgresql if connection.dialect.name == "postgresql" else _upsert_sqlite
    sent = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        load(connection, table, chunk, keys, primary, updatable)
        sent += len(chunk)
        if progress is not None:
            progress(sent)
    return sent


def _python_defaults(table: Table, given: list[str]) -> dict[str, Any]:
    """Values of the columns' Python-side defaults for the columns not given.

    A plain SQLAlchemy insert applies them; the raw statements below must too.
    They only fill new rows: an update never touches a column not given.
    """
    values: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or column.autoincrement is True:
            continue
        if getattr(default, "is_scalar", False):
            values[column.name] = default.arg  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            values[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return values


def _conflict_clause(
    connection: Connection, primary: list[str], updatable: list[str], source: str
) -> str:
    target = ", ".join(_quote(connection, name) for name in primary)
    if not updatable:
        return f"ON CONFLICT ({target}) DO NOTHING"
    assignments = ", ".join(
        f"{_quote(connection, name)} = {source}.{_quote(connection, name)}" for name in updatable
    )
    return f"ON CONFLICT ({target}) DO UPDATE SET {assignments}"


def _upsert_sqlite(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: list[str],
    primary: list[str],
    updatable: list[str],
) -> None:
    dialect = connection.dialect
    processors = [table.c[key].type._cached_bind_processor(dialect) for key in keys]
    columns = ", ".join(_quote(connection, key) for key in keys)
    placeholders = ", ".join("?" for _ in keys)
    sql = (
        f"INSERT INTO {_quote(connection, table.name)} ({columns}) VALUES ({placeholders}) "
        + _conflict_clause(connection, primary, updatable, "excluded")
    )
    if any(processors):
        active = [(index, fn) for index, fn in enumerate(processors) if fn is not None]
        prepared = []
        for row in rows:
            values = [row[key] for key in keys]
            for index, fn in active:
                value = values[index]
                if value is not None:
                    values[index] = fn(value)
            prepared.append(tuple(values))
    else:
        prepared = [tuple(row[key] for key in keys) for row in rows]
    connection.exec_driver_sql(sql, prepared)


def _upsert_postgresql(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: list[str],
    primary: list[str],
    updatable: list[str],
) -> None:
    dialect = connection.dialect
    # psycopg adapts dates, numbers and text natively; JSON needs its text form.
    processors = [
        table.c[key].type._cached_bind_processor(dialect)
        if isinstance(table.c[key].type, JSON)
        else None
        for key in keys
    ]
    name = _quote(connection, table.name)
    staging = _quote(connection, f"_load_{table.name}")
    columns = ", ".join(_quote(connection, key) for key in keys)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {staging}")
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {name} WITH NO DATA"
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [row[key] for key in keys]
            for index, fn in enumerate(processors):
                if fn is not None and values[index] is not None:
                    values[index] = fn(values[index])
            copy.write_row(values)
    # One statement may not update a row twice: for a key given twice, the
    # last row wins, as it does with SQLite's row-by-row executemany.
    keys_sql = ", ".join(_quote(connection, key) for key in primary)
    connection.exec_driver_sql(
        f"INSERT INTO {name} ({columns}) "
        f"SELECT DISTINCT ON ({keys_sql}) {columns} FROM {staging} "
        f"ORDER BY {keys_sql}, ctid DESC "
        + _conflict_clause(connection, primary, updatable, "EXCLUDED")
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")
