"""``deferred_indexes``: secondary indexes come back after a load, and after a failed one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from tandem.program.bulk import deferred_indexes, upsert
from tandem.program.schema import metadata
from tests.factories import small_program


def _index_names(engine, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {index["name"] for index in inspect(engine).get_indexes(table)}


def _checkins(n: int) -> list[dict[str, object]]:
    return [
        {
            "checkin_id": f"c{i:04d}",
            "pairing_id": "x1",
            "date": dt.date(2026, 1, 1) + dt.timedelta(days=i),
            "submitted_by": "mentee",
            "clarity": 1 + i % 5,
        }
        for i in range(n)
    ]


def test_indexes_are_rebuilt_and_the_rows_loaded(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    checkins = metadata.tables["checkins"]
    before = _index_names(engine, "checkins")
    with engine.begin() as connection:
        connection.execute(checkins.delete())
    with engine.begin() as connection, deferred_indexes(connection, [checkins]) as deferred:
        upsert(connection, checkins, _checkins(50))
    assert _index_names(engine, "checkins") == before
    if engine.dialect.name == "sqlite":
        # The plain indexes were deferred; the primary key's never is.
        assert set(deferred) == before
    else:
        assert deferred == []
    with engine.connect() as connection:
        assert connection.execute(checkins.select()).rowcount in (-1, 50)
        assert len(connection.execute(checkins.select()).all()) == 50


def test_a_table_with_rows_keeps_its_indexes(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    checkins = metadata.tables["checkins"]
    with engine.begin() as connection:
        upsert(connection, checkins, _checkins(1))
    with engine.begin() as connection, deferred_indexes(connection, [checkins]) as deferred:
        assert deferred == []


def test_a_failed_load_leaves_the_indexes_in_place(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    checkins = metadata.tables["checkins"]
    with engine.begin() as connection:
        connection.execute(checkins.delete())
    before = _index_names(engine, "checkins")
    bad = [{**row, "pairing_id": "no-such-pairing"} for row in _checkins(3)]
    with (
        pytest.raises(Exception),  # noqa: B017 - the backends raise different errors
        engine.begin() as connection,
        deferred_indexes(connection, [checkins]),
    ):
        upsert(connection, checkins, bad)
    assert _index_names(engine, "checkins") == before
