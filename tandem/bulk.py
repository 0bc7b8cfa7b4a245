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

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table
from sqlalchemy.sql import sqltypes

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
    connection.exec_driver_sql(sql, _tuples(rows, keys, processors, _memoisable(table, keys)))


def _tuples(
    rows: Sequence[dict[str, Any]],
    keys: list[str],
    processors: Sequence[Callable[[Any], Any] | None],
    memoised: frozenset[str] = frozenset(),
) -> list[tuple[Any, ...]]:
    """The rows as value tuples in ``keys`` order, converted by ``processors``.

    Built column by column (converting only the columns that need it), then
    ``zip`` makes the rows in C: faster than a Python loop over rows and values.
    """
    if not any(processors):
        if len(keys) == 1:
            return [(row[keys[0]],) for row in rows]
        return list(map(itemgetter(*keys), rows))
    columns: list[list[Any]] = []
    for key, fn in zip(keys, processors, strict=True):
        column = [row[key] for row in rows]
        if fn is not None:
            column = _converted(column, fn, memo=key in memoised)
        columns.append(column)
    return list(zip(*columns, strict=True))


def _memoisable(table: Table, keys: list[str]) -> frozenset[str]:
    """Columns whose conversion depends on the value alone: dates and datetimes.

    (Not numbers: 1, 1.0 and True are equal keys with different conversions.)
    """
    return frozenset(
        key for key in keys if isinstance(table.c[key].type, (sqltypes.Date, sqltypes.DateTime))
    )


class _Memo(dict[Any, Any]):
    """Converted values by value: a column repeats few distinct dates many times."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.fn = fn

    def __missing__(self, value: Any) -> Any:
        converted = self.fn(value)
        # Equal aware datetimes in different zones convert differently: not kept.
        if getattr(value, "tzinfo", None) is None:
            self[value] = converted
        return converted


def _converted(column: list[Any], fn: Callable[[Any], Any], *, memo: bool) -> list[Any]:
    """``fn`` over the column's values (None stays None); with ``memo`` each distinct one once.

    SQLAlchemy's SQLite date processor costs about a microsecond a value; a
    million check-ins carry only a few thousand distinct dates.
    """
    if memo:
        return list(map(_Memo(fn).__getitem__, column))
    return [None if value is None else fn(value) for value in column]


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


@contextmanager
def deferred_indexes(connection: Connection, tables: Iterable[Table]) -> Iterator[list[str]]:
    """Build the secondary indexes of empty SQLite tables after a load, not during it.

    Inserting a million check-ins updates each secondary index row by row, in
    an order that is random for the index (by pairing, by date): measured at
    half the insert time.  ``CREATE INDEX`` on the loaded table sorts once and
    is several times cheaper.  Only tables that are empty on entry, only plain
    (non-unique) indexes: unique indexes keep enforcing their constraint
    during the load.  Runs inside the caller's transaction (SQLite DDL is
    transactional), so a failed load rolls the indexes back in place.
    PostgreSQL (loaded by COPY) and non-empty tables are left alone.
    Yields the names of the indexes it deferred.
    """
    deferred: list[tuple[str, str]] = []
    if connection.dialect.name == "sqlite":
        for table in tables:
            name = table.name
            if connection.exec_driver_sql(
                f"SELECT 1 FROM {_quote(connection, name)} LIMIT 1"
            ).first():
                continue
            rows = connection.exec_driver_sql(
                "SELECT m.name, m.sql FROM sqlite_master AS m "
                "JOIN pragma_index_list(?) AS i ON i.name = m.name "
                "WHERE m.type = 'index' AND m.sql IS NOT NULL AND i.\"unique\" = 0 "
                "AND i.partial = 0",
                (name,),
            ).all()
            deferred.extend((str(index), str(sql)) for index, sql in rows)
    if deferred:
        # pysqlite opens its implicit transaction only at the first INSERT,
        # UPDATE or DELETE: DDL before that would commit on its own and a
        # rollback could not bring the indexes back.  Open it now.
        driver = connection.connection.driver_connection
        if not getattr(driver, "in_transaction", True):
            connection.exec_driver_sql("BEGIN")
    for index, _sql in deferred:
        connection.exec_driver_sql(f"DROP INDEX {_quote(connection, index)}")
    try:
        yield [index for index, _sql in deferred]
    except BaseException:
        # Put them back if the connection still can; the caller's rollback
        # restores them anyway, and the load's own error is the one to see.
        with suppress(Exception):
            for _index, sql in deferred:
                connection.exec_driver_sql(sql)
        raise
    for _index, sql in deferred:
        connection.exec_driver_sql(sql)
