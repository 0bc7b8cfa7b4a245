"""Small SQL constructs whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, Executable, FunctionElement

from tandem.program.db import connected


class month_of(FunctionElement[str]):
    """``YYYY-MM`` of a date column, as text, on either backend."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"strftime('%Y-%m', {compiler.process(column, **kw)})"


@compiles(month_of)
def _month_default(element: month_of, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"to_char({compiler.process(column, **kw)}, 'YYYY-MM')"


def month(column: ColumnElement[Any]) -> month_of:
    return month_of(column)


def read_frame(bind: Engine | Connection, statement: Executable) -> pd.DataFrame:
    """The rows of ``statement`` as a DataFrame named by the statement's columns.

    Built column by column: pandas makes a frame of 50,000 row objects three times
    slower (0.72 s against 0.22 s for What works' twelve columns), for the same
    columns and types."""
    with connected(bind) as connection:
        result = connection.execute(statement)
        names = list(result.keys())
        rows = result.fetchall()
    if not rows or len(set(names)) < len(names):  # (a dict cannot hold a name twice)
        return pd.DataFrame(rows, columns=names)
    return pd.DataFrame(
        dict(zip(names, (list(column) for column in zip(*rows, strict=True)), strict=True))
    )
