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
    """The rows of ``statement`` as a DataFrame named by the statement's columns."""
    with connected(bind) as connection:
        result = connection.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
