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

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from sqlalchemy import JSON, Connection, Table
from sqlalchemy.sql import sqltypes

CHUNK_ROWS = 20_000


@dataclass
class Written:
    """What upserts changed, added up across calls (pass one to :func:`upsert_columns`).

    ``rows``: rows inserted or changed (an unchanged row under ``changed_only``
    is not counted).  ``keys``: when a list, the first primary-key column of
    each of those rows is appended to it (costs a ``RETURNING``).
    """

    rows: int = 0
    keys: list[Any] | None = None


# Rows per INSERT statement on SQLite (within its limit on parameters).
SQLITE_ROWS_PER_STATEMENT = 256


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    update_columns: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
    changed_only: bool = False,
    version_column: str | None = None,
) -> int:
    """Insert ``rows`` into ``table``, updating rows whose primary key exists.

    Every row must carry the same keys.  ``update_columns`` limits what an
    existing row has overwritten (default: every non-key column given);
    ``changed_only`` and ``version_column`` as in :func:`upsert_columns`.
    Returns the number of rows sent.
    """
    if not rows:
        return 0
    given = list(rows[0].keys())
    sent = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        columns = {key: [row[key] for row in chunk] for key in given}
        sent += upsert_columns(
            connection,
            table,
            columns,
            update_columns=update_columns,
            changed_only=changed_only,
            version_column=version_column,
        )
        if progress is not None:
            progress(sent)
    return sent


def upsert_columns(
    connection: Connection,
    table: Table,
    columns: Mapping[str, Sequence[Any]],
    *,
    update_columns: Iterable[str] | None = None,
    changed_only: bool = False,
    version_column: str | None = None,
    written: Written | None = None,
) -> int:
    """Like :func:`upsert`, with the values given column by column (equal lengths).

    The importer validates a bundle a column at a time: handing the columns
    over as they are saves building a dict per row only to take it apart.

    ``changed_only``: an existing row is rewritten only when one of the
    updated columns differs (``IS DISTINCT FROM``), so re-sending unchanged
    rows costs no write.  ``version_column`` (implies ``changed_only``): that
    column is incremented on every row that actually changes, so an edit
    started from the old version is refused — and only then.
    ``written`` adds up the rows inserted or changed (see :class:`Written`).
    Returns the number of rows sent.
    """
    given = list(columns.keys())
    if not given:
        return 0
    size = len(columns[given[0]])
    if size == 0:
        return 0
    primary = [column.name for column in table.primary_key.columns]
    updatable = [
        k
        for k in (update_columns or given)
        if k not in primary and k in given and k != version_column
    ]
    defaults = _python_defaults(table, given)
    values = [columns[key] for key in given] + [[value] * size for value in defaults.values()]
    keys = [*given, *defaults]
    conflict = _Conflict(
        primary, updatable, changed_only or version_column is not None, version_column
    )
    # Columns with an ``onupdate`` (``feedback.updated_at``) are set, as an ORM
    # update would set them, on every existing row that is rewritten: with
    # ``changed_only``, only rows that really change.  Their value for new and
    # changed rows alike is the column's default, filled in above.
    conflict.stamped = [
        column.name
        for column in table.columns
        if column.onupdate is not None and column.name not in given and column.name in defaults
    ]
    if connection.dialect.name == "postgresql":
        _upsert_postgresql(connection, table, values, keys, conflict, written)
    else:
        _upsert_sqlite(connection, table, values, keys, conflict, written)
    return size


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


class _Conflict:
    """What an upsert does with a row whose primary key exists."""

    def __init__(
        self,
        primary: list[str],
        updatable: list[str],
        changed_only: bool,
        version_column: str | None,
    ) -> None:
        self.primary = primary
        self.updatable = updatable
        self.changed_only = changed_only
        self.version_column = version_column
        self.stamped: list[str] = []

    def clause(self, connection: Connection, table: Table, source: str) -> str:
        def q(name: str) -> str:
            return _quote(connection, name)

        target = ", ".join(q(name) for name in self.primary)
        if not self.updatable:
            return f"ON CONFLICT ({target}) DO NOTHING"
        current = q(table.name)
        assignments = [f"{q(name)} = {source}.{q(name)}" for name in self.updatable]
        if self.version_column is not None:
            version = q(self.version_column)
            assignments.append(f"{version} = {current}.{version} + 1")
        assignments += [f"{q(name)} = {source}.{q(name)}" for name in self.stamped]
        sql = f"ON CONFLICT ({target}) DO UPDATE SET {', '.join(assignments)}"
        if self.changed_only:
            # Row values: NULL-safe "differs in any column" on both backends
            # (SQLite spells IS DISTINCT FROM as IS NOT).
            distinct = "IS DISTINCT FROM" if connection.dialect.name == "postgresql" else "IS NOT"
            old = ", ".join(f"{current}.{q(name)}" for name in self.updatable)
            new = ", ".join(f"{source}.{q(name)}" for name in self.updatable)
            sql += f" WHERE ({old}) {distinct} ({new})"
        return sql


def _upsert_sqlite(
    connection: Connection,
    table: Table,
    columns: list[Sequence[Any]],
    keys: list[str],
    conflict: _Conflict,
    written: Written | None = None,
) -> None:
    dialect = connection.dialect
    memoised = _memoisable(table, keys)
    converted: list[Sequence[Any]] = []
    for key, column in zip(keys, columns, strict=True):
        fn = table.c[key].type._cached_bind_processor(dialect)
        converted.append(column if fn is None else _converted(column, fn, memo=key in memoised))
    names = ", ".join(_quote(connection, key) for key in keys)
    one = "(" + ", ".join("?" for _ in keys) + ")"
    clause = conflict.clause(connection, table, "excluded")

    returning = ""
    if written is not None and written.keys is not None:
        returning = f" RETURNING {_quote(connection, conflict.primary[0])}"

    def statement(rows: int) -> str:
        values = ", ".join([one] * rows)
        return (
            f"INSERT INTO {_quote(connection, table.name)} ({names}) VALUES {values} {clause}"
            + returning
        )

    # Many rows per statement: the driver's per-statement cost (step, reset,
    # bookkeeping) was as much as SQLite's own insert.  Rows go in the order
    # given, so for a key given twice the last row still wins.
    width = len(keys)
    per = max(1, min(SQLITE_ROWS_PER_STATEMENT, _sqlite_max_variables(connection) // width))
    size = len(columns[0])
    full = size - size % per
    # zip makes the rows in C, the grouper zip the parameter sets of `per` rows.
    flat = chain.from_iterable(zip(*converted, strict=True))
    if returning:
        # RETURNING needs one execute per statement (executemany cannot return rows).
        assert written is not None and written.keys is not None
        for start in range(0, size, per):
            rows = min(per, size - start)
            result = connection.exec_driver_sql(statement(rows), tuple(islice(flat, rows * width)))
            found = [row[0] for row in result]
            written.keys.extend(found)
            written.rows += len(found)
        return
    changed = 0
    if full:
        head = islice(flat, full * width)  # leaves the rest in `flat`
        result = connection.exec_driver_sql(
            statement(per), list(zip(*[head] * (per * width), strict=True))
        )
        changed += max(0, result.rowcount)
    if full < size:
        changed += max(0, connection.exec_driver_sql(statement(size - full), tuple(flat)).rowcount)
    if written is not None:
        written.rows += changed


def _sqlite_max_variables(connection: Connection) -> int:
    """How many ``?`` one statement may have (SQLite's limit, 32,766 by default)."""
    driver = connection.connection.driver_connection
    getlimit = getattr(driver, "getlimit", None)
    if getlimit is None:  # pragma: no cover - Python < 3.11
        return 999
    return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


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


def _converted(column: Sequence[Any], fn: Callable[[Any], Any], *, memo: bool) -> list[Any]:
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
    columns: list[Sequence[Any]],
    keys: list[str],
    conflict: _Conflict,
    written: Written | None = None,
) -> None:
    dialect = connection.dialect
    # psycopg adapts dates, numbers and text natively; JSON needs its text form.
    converted: list[Sequence[Any]] = []
    for key, column in zip(keys, columns, strict=True):
        if isinstance(table.c[key].type, JSON):
            fn = table.c[key].type._cached_bind_processor(dialect)
            assert fn is not None
            converted.append(_converted(column, fn, memo=False))
        else:
            converted.append(column)
    name = _quote(connection, table.name)
    staging = _quote(connection, f"_load_{table.name}")
    names = ", ".join(_quote(connection, key) for key in keys)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {staging}")
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {names} FROM {name} WITH NO DATA"
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        write_row = copy.write_row
        for row in zip(*converted, strict=True):
            write_row(row)
    # One statement may not update a row twice: for a key given twice, the
    # last row wins, as it does with SQLite's row-by-row executemany.
    keys_sql = ", ".join(_quote(connection, key) for key in conflict.primary)
    returning = ""
    if written is not None and written.keys is not None:
        returning = f" RETURNING {_quote(connection, conflict.primary[0])}"
    result = connection.exec_driver_sql(
        f"INSERT INTO {name} ({names}) "
        f"SELECT DISTINCT ON ({keys_sql}) {names} FROM {staging} "
        f"ORDER BY {keys_sql}, ctid DESC "
        + conflict.clause(connection, table, "EXCLUDED")
        + returning
    )
    if written is not None:
        if written.keys is not None:
            found = [row[0] for row in result]
            written.keys.extend(found)
            written.rows += len(found)
        else:
            written.rows += max(0, result.rowcount)
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
