"""The import's transaction: references still checked, the write lock held, settings restored.

On SQLite a writing import runs with the connection's foreign-key checks off
(the importer checks every reference itself) inside ``BEGIN IMMEDIATE``.
These tests hold it to what makes that safe.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from tandem.program.bundle import BundleError, import_bundle, importer
from tandem.program.db import is_sqlite
from tandem.program.models import Pairing, Person

from .conftest import SAMPLE, unchanged

PEOPLE_HEADER = "person_id,name,level,division,geography\n"
PAIRINGS_HEADER = "pairing_id,mentor_id,mentee_id,status,start_date\n"


def _pooled_connections(engine: Engine) -> list[Any]:
    """Every DBAPI connection the engine hands out from now on (recorded at checkout)."""
    seen: list[Any] = []

    @event.listens_for(engine, "checkout")
    def record(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if dbapi_connection not in seen:
            seen.append(dbapi_connection)

    return seen


def _foreign_keys(dbapi_connection: Any) -> int:
    cursor = dbapi_connection.cursor()
    try:
        return int(cursor.execute("PRAGMA foreign_keys").fetchone()[0])
    finally:
        cursor.close()


def _assert_checks_back_on(engine: Engine, connections: list[Any]) -> None:
    """Each connection the import used (and the next one handed out) checks foreign keys."""
    if not is_sqlite(engine):
        return
    assert connections, "the import used no pooled connection?"
    for dbapi_connection in connections:
        assert _foreign_keys(dbapi_connection) == 1
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_reference_to_a_missing_row_is_still_refused(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    pairings = PAIRINGS_HEADER + "pr-100,p001,p404,proposed,2026-01-05\n"
    bundle = make_bundle(base=False, people_csv=PEOPLE_HEADER, pairings_csv=pairings)
    with unchanged(engine):
        connections = _pooled_connections(engine)
        with pytest.raises(BundleError) as raised:
            import_bundle(engine, bundle)
        _assert_checks_back_on(engine, connections)
    assert [str(p) for p in raised.value.problems] == [
        "pairings.csv:2: column mentee_id: unknown ID 'p404': not in people.csv nor in the database"
    ]


def test_foreign_key_checks_are_back_on_after_a_successful_import(engine: Engine) -> None:
    connections = _pooled_connections(engine)
    import_bundle(engine, SAMPLE)
    _assert_checks_back_on(engine, connections)
    if is_sqlite(engine):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_foreign_key_checks_are_back_on_after_a_failed_write(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = importer._write

    def failing_write(connection, data, existing, progress):  # type: ignore[no-untyped-def]
        if data.spec.stem == "checkins":
            raise RuntimeError("disk full")
        return real_write(connection, data, existing, progress)

    monkeypatch.setattr(importer, "_write", failing_write)
    with unchanged(engine):
        connections = _pooled_connections(engine)
        with pytest.raises(RuntimeError, match="disk full"):
            import_bundle(engine, SAMPLE)
        _assert_checks_back_on(engine, connections)


def test_no_other_writer_can_delete_a_referenced_row_once_the_ids_are_read(
    engine: Engine, make_bundle: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The IDs that references are checked against stay true until the commit.

    SQLite: another connection's delete of a person the bundle refers to,
    attempted right after the importer read the existing IDs, must wait for
    the import (here: fail at once with ``database is locked``), so the
    pairing never ends up pointing at nobody.
    """
    if not is_sqlite(engine):
        pytest.skip("SQLite only: PostgreSQL keeps its foreign-key checks")
    import_bundle(engine, SAMPLE)
    newcomer = PEOPLE_HEADER + "p021,Noa Levi,1,Operations,EMEA\n"
    import_bundle(engine, make_bundle(base=False, people_csv=newcomer))
    database = engine.url.database
    assert database is not None
    outcomes: list[str] = []
    real_load = importer._load_existing

    def load_then_race(connection):  # type: ignore[no-untyped-def]
        existing = real_load(connection)
        other = sqlite3.connect(database, timeout=0)
        try:
            other.execute("PRAGMA foreign_keys=ON")
            other.execute("DELETE FROM people WHERE person_id = 'p021'")
            other.commit()
            outcomes.append("deleted")
        except sqlite3.OperationalError as error:
            outcomes.append(str(error))
        finally:
            other.close()
        return existing

    monkeypatch.setattr(importer, "_load_existing", load_then_race)
    pairings = PAIRINGS_HEADER + "pr-100,p001,p021,proposed,2026-01-05\n"
    import_bundle(engine, make_bundle(base=False, people_csv=PEOPLE_HEADER, pairings_csv=pairings))
    assert outcomes == ["database is locked"]
    with engine.connect() as connection:
        assert connection.execute(
            select(Person.person_id).where(Person.person_id == "p021")
        ).scalar_one()
        assert connection.execute(
            select(Pairing.mentee_id).where(Pairing.pairing_id == "pr-100")
        ).scalar_one() == ("p021")
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_a_connection_whose_checks_cannot_be_restored_is_not_reused(engine: Engine) -> None:
    if not is_sqlite(engine):
        pytest.skip("SQLite only: PostgreSQL keeps its checks")
    with engine.connect() as connection:
        dbapi_connection = connection.connection.driver_connection
        with importer._foreign_keys_off(connection):
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
            assert dbapi_connection is not None
            dbapi_connection.close()  # the restore cannot run on it
        assert connection.invalidated
    with engine.connect() as connection:
        assert connection.connection.driver_connection is not dbapi_connection
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
