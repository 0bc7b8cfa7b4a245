"""The bulk upsert stores exactly what the ORM would, inserts and updates, on both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tandem.program.bulk import upsert
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import AuditEntry, Flag
from tandem.program.schema import metadata
from tests.factories import small_program


def test_insert_then_update_round_trips_every_type(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    health = metadata.tables["pairing_health"]
    row = {
        "pairing_id": "x1",
        "health": 71.5,
        "stalled": True,
        "at_risk": False,
        "reasons": "no meeting for 74 days, agreed every 30;Zoë's ratings fell",
        "as_of": dt.date(2026, 6, 1),
        "computed_at": dt.datetime(2026, 6, 1, 9, 30, 15, 123456),
    }
    with engine.begin() as connection:
        assert upsert(connection, health, [row]) == 1
    with engine.begin() as connection:
        upsert(connection, health, [{**row, "health": None, "stalled": False}])
    with engine.connect() as connection:
        stored = connection.execute(select(PairingHealth.__table__)).mappings().one()
    assert stored["health"] is None
    assert stored["stalled"] is False
    assert stored["as_of"] == dt.date(2026, 6, 1)
    assert stored["computed_at"] == dt.datetime(2026, 6, 1, 9, 30, 15, 123456)
    assert stored["reasons"] == row["reasons"]


def test_update_columns_leave_the_rest_alone(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    flags = metadata.tables["flags"]
    base = {
        "flag_id": "f1",
        "pairing_id": "x1",
        "raised_by": "lead",
        "raised_at": dt.datetime(2026, 5, 1),
        "reason": "no_contact",
        "note": "first",
        "status": "open",
        "resolved_at": None,
        "resolution": None,
        "owner": "Ana",
    }
    with engine.begin() as connection:
        upsert(connection, flags, [base])
        upsert(
            connection, flags, [{**base, "note": "second", "owner": "Bo"}], update_columns=["note"]
        )
    with engine.connect() as connection:
        stored = connection.execute(select(Flag.note, Flag.owner)).one()
    assert tuple(stored) == ("second", "Ana")


def test_a_key_given_twice_keeps_the_last_row(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    health = metadata.tables["pairing_health"]
    rows = [
        {
            "pairing_id": "x2",
            "health": value,
            "stalled": False,
            "at_risk": False,
            "reasons": "",
            "as_of": dt.date(2026, 6, 1),
            "computed_at": dt.datetime(2026, 6, 1),
        }
        for value in (10.0, 20.0, 30.0)
    ]
    with engine.begin() as connection:
        upsert(connection, health, rows)
    with engine.connect() as connection:
        assert connection.execute(select(PairingHealth.health)).scalar_one() == 30.0


def test_json_columns_and_chunks(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tandem.program.bulk as bulk

    monkeypatch.setattr(bulk, "CHUNK_ROWS", 7)
    audit = metadata.tables["audit_log"]
    rows = [
        {
            "id": i,
            "at": dt.datetime(2026, 1, 1),
            "actor": "t",
            "action": "a",
            "entity": "e",
            "entity_id": str(i),
            "before": None,
            "after": {"n": i, "name": "Zoë"},
        }
        for i in range(1, 31)
    ]
    seen: list[int] = []
    with engine.begin() as connection:
        assert upsert(connection, audit, rows, progress=seen.append) == 30
    assert seen == [7, 14, 21, 28, 30]
    with engine.connect() as connection:
        stored = connection.execute(select(AuditEntry.after).where(AuditEntry.id == 5)).scalar_one()
    assert stored == {"n": 5, "name": "Zoë"}


def test_columns_with_changed_only_leave_unchanged_rows_and_their_version_alone(
    engine,  # type: ignore[no-untyped-def]
) -> None:
    from tandem.program.bulk import upsert_columns

    small_program(engine)
    flags = metadata.tables["flags"]
    columns = {
        "flag_id": ["f1", "f2"],
        "pairing_id": ["x1", "x1"],
        "raised_by": ["lead", "lead"],
        "raised_at": [dt.datetime(2026, 5, 1), dt.datetime(2026, 5, 2)],
        "reason": ["no_contact", "other"],
        "note": [None, "first"],
        "status": ["open", "open"],
    }

    def load(values: dict[str, list[object]]) -> dict[str, tuple[int, str | None]]:
        with engine.begin() as connection:
            assert upsert_columns(connection, flags, values, version_column="version") == 2
        with engine.connect() as connection:
            rows = connection.execute(select(flags.c.flag_id, flags.c.version, flags.c.note))
            return {key: (version, note) for key, version, note in rows}

    assert load(columns) == {"f1": (1, None), "f2": (1, "first")}
    assert load(columns) == {"f1": (1, None), "f2": (1, "first")}  # NULL equals NULL
    changed = {**columns, "note": ["now set", "first"]}
    assert load(changed) == {"f1": (2, "now set"), "f2": (1, "first")}
    assert load({**changed, "note": [None, "first"]}) == {"f1": (3, None), "f2": (1, "first")}


def test_many_rows_per_statement_keep_the_order_of_the_rows(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite sends many rows per statement: a key given again, in the same
    statement or a later one, still ends with its last row; nothing is lost
    at the seams between statements."""
    import tandem.program.bulk as bulk

    audit = metadata.tables["audit_log"]
    for per in (1, 4, 256):
        monkeypatch.setattr(bulk, "SQLITE_ROWS_PER_STATEMENT", per)
        rows = [
            {
                "id": 1 + i % 7 if i % 3 else 100 + i,  # repeats, and rows seen once
                "at": dt.datetime(2026, 1, 1, 0, i),
                "actor": f"{per}",
                "action": "a",
                "entity": "e",
                "entity_id": str(i),
                "before": None,
                "after": {"i": i},
            }
            for i in range(59)
        ]
        last = {row["id"]: row for row in rows}
        with engine.begin() as connection:
            connection.execute(audit.delete())
            assert upsert(connection, audit, rows) == 59
        with engine.connect() as connection:
            stored = connection.execute(select(audit).order_by(audit.c.id)).mappings().all()
        assert [dict(row) for row in stored] == [last[key] for key in sorted(last)]
