"""Helpers for the demo tests: read a whole program back from the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from tandem.program.demo import PROGRAM_TABLES
from tandem.program.schema import metadata

TODAY = dt.date(2026, 6, 1)


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every program table as rows (dicts), sorted by primary key in Python.

    Sorting here rather than in SQL keeps the order independent of the
    backend's collation, so dumps from SQLite and PostgreSQL compare equal.
    ``feedback.updated_at`` (when the row was written) is left out.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for name in PROGRAM_TABLES:
            table = metadata.tables[name]
            key = next(iter(table.primary_key.columns)).name
            columns = [c for c in table.columns if (name, c.name) != ("feedback", "updated_at")]
            rows = [dict(row._mapping) for row in connection.execute(select(*columns))]
            out[name] = sorted(rows, key=lambda row: row[key])
    return out
