"""events.csv: careers in the bundle, checked, imported, exported and round-tripped."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from tandem.program.bundle import BundleError, export_bundle, import_bundle
from tandem.program.models import CareerEvent, Person
from tandem.program.schema import metadata

from .conftest import SAMPLE, dump, sample_text, unchanged

HEADER = "event_id,person_id,date,kind,new_level,voluntary\n"


def _events(engine: Engine) -> dict[str, tuple[object, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                CareerEvent.event_id,
                CareerEvent.person_id,
                CareerEvent.date,
                CareerEvent.kind,
                CareerEvent.new_level,
                CareerEvent.voluntary,
            )
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_sample_events_are_imported_with_their_details(engine: Engine) -> None:
    report = import_bundle(engine, SAMPLE)
    assert report.rows["events.csv"] == 11
    assert report.files["events.csv"].inserted == 11
    events = _events(engine)
    assert events["ev-003"] == ("p010", dt.date(2023, 4, 1), "promoted", 3, None)
    assert events["ev-008"] == ("p012", dt.date(2025, 5, 2), "left", None, True)
    assert events["ev-011"] == ("p017", dt.date(2025, 9, 30), "left", None, False)
    assert events["ev-009"] == ("p020", dt.date(2025, 6, 16), "moved", None, None)
    # A timestamp where a date is expected keeps its date part.
    assert events["ev-010"][1] == dt.date(2025, 7, 1)


def test_a_bundle_without_events_imports_as_before_and_keeps_stored_events(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    old = make_bundle(events_csv=None)
    report = import_bundle(engine, old)
    assert "events.csv" not in report.files
    assert _events(engine) == {}
    import_bundle(engine, SAMPLE)
    before = dump(engine, skip=("audit_log",))
    import_bundle(engine, old)  # no events.csv: nothing about events changes
    assert dump(engine, skip=("audit_log",)) == before
    assert len(_events(engine)) == 11


def test_reimport_upserts_by_id_and_keeps_events_missing_from_the_new_file(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    events = HEADER + (
        "ev-007,p009,2025-04-01,promoted,5,\n"  # corrected level
        "ev-100,p015,2025-10-01,PROMOTED,3,\n"  # new; kind matched ignoring case
    )
    report = import_bundle(engine, make_bundle(events_csv=events))
    assert (report.files["events.csv"].inserted, report.files["events.csv"].updated) == (1, 1)
    stored = _events(engine)
    assert stored["ev-007"] == ("p009", dt.date(2025, 4, 1), "promoted", 5, None)
    assert stored["ev-100"] == ("p015", dt.date(2025, 10, 1), "promoted", 3, None)
    assert len(stored) == 12  # like every other file: rows missing from it are kept


def test_header_only_events_file_is_no_events(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    report = import_bundle(engine, make_bundle(events_csv=HEADER))
    assert report.rows["events.csv"] == 0
    assert _events(engine) == {}


def test_optional_columns_may_be_left_out(engine: Engine, make_bundle: Callable[..., Path]) -> None:
    events = "Kind , Date,person_id,event_id\nhired,2020-01-06,p013,e1\nleft,2025-01-31,p014,e2\n"
    report = import_bundle(engine, make_bundle(events_csv=events))
    assert report.warnings == []
    assert _events(engine) == {
        "e1": ("p013", dt.date(2020, 1, 6), "hired", None, None),
        "e2": ("p014", dt.date(2025, 1, 31), "left", None, None),
    }


def test_events_of_people_already_in_the_database(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    only_events = make_bundle(base=False, events_csv=HEADER + "e1,p003,2025-11-03,moved,,\n")
    # A bundle needs people.csv; with it, events may refer to people stored before.
    (only_events / "people.csv").write_text(
        "person_id,name,level,division,geography\np900,New Hire,1,Technology,EMEA\n",
        encoding="utf-8",
    )
    import_bundle(engine, only_events)
    assert _events(engine)["e1"] == ("p003", dt.date(2025, 11, 3), "moved", None, None)


def _line(text: str) -> str:
    return HEADER + text + "\n"


BAD: list[tuple[str, str, str]] = [
    (
        "unknown person",
        _line("e1,p999,2025-01-01,hired,,"),
        "events.csv:2: column person_id: unknown ID 'p999': not in people.csv nor in the database",
    ),
    (
        "bad kind",
        _line("e1,p001,2025-01-01,fired,,"),
        "events.csv:2: column kind: expected one of hired, promoted, moved, left; got 'fired'",
    ),
    (
        "level above 8",
        _line("e1,p001,2025-01-01,promoted,9,"),
        "events.csv:2: column new_level: must be between 1 and 8, got 9",
    ),
    (
        "level below 1",
        _line("e1,p001,2025-01-01,promoted,0,"),
        "events.csv:2: column new_level: must be between 1 and 8, got 0",
    ),
    (
        "level not a number",
        _line("e1,p001,2025-01-01,promoted,senior,"),
        "events.csv:2: column new_level: expected a whole number, got 'senior'",
    ),
    (
        "voluntary not a boolean",
        _line("e1,p001,2025-01-01,left,,yes"),
        "events.csv:2: column voluntary: expected true or false, got 'yes'",
    ),
    (
        "level on another kind",
        _line("e1,p001,2025-01-01,hired,3,"),
        "events.csv:2: column new_level: new_level is only for promoted events; "
        "this event is hired",
    ),
    (
        "voluntary on another kind",
        _line("e1,p001,2025-01-01,promoted,4,true"),
        "events.csv:2: column voluntary: voluntary is only for left events; this event is promoted",
    ),
    (
        "duplicate ID",
        HEADER
        + "e1,p001,2025-01-01,hired,,\ne2,p002,2025-01-01,hired,,\ne1,p003,2025-02-01,moved,,\n",
        "events.csv:4: column event_id: duplicate ID 'e1' (first on line 2)",
    ),
    (
        "bad date",
        _line("e1,p001,2025-13-01,hired,,"),
        "events.csv:2: column date: expected a date YYYY-MM-DD, got '2025-13-01'",
    ),
    (
        "missing date",
        _line("e1,p001,,hired,,"),
        "events.csv:2: column date: required value is missing",
    ),
    (
        "missing kind column",
        "event_id,person_id,date\ne1,p001,2025-01-01\n",
        "events.csv:1: column kind: required column is missing",
    ),
    (
        "ID too long",
        _line("e" * 65 + ",p001,2025-01-01,hired,,"),
        "events.csv:2: column event_id: ID is 65 characters long; at most 64 are allowed",
    ),
]


@pytest.mark.parametrize(("events", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_events_are_refused_and_nothing_changes(
    engine: Engine, make_bundle: Callable[..., Path], events: str, expected: str
) -> None:
    import_bundle(engine, SAMPLE)
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(events_csv=events))
    lines = [str(problem) for problem in raised.value.problems]
    assert lines == [expected], lines


def test_a_bad_event_refuses_the_whole_bundle(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    people = sample_text("people.csv") + "p021,Noa Levi,,Analyst,1,Operations,,EMEA,,,,,,,,\n"
    bundle = make_bundle(people_csv=people, events_csv=_line("e1,p021,2025-01-01,hired,2,"))
    with unchanged(engine), pytest.raises(BundleError):
        import_bundle(engine, bundle)
    with engine.connect() as connection:
        assert connection.execute(select(Person.person_id)).all() == []


def test_events_are_exported_and_round_trip(engine: Engine, tmp_path: Path) -> None:
    import_bundle(engine, SAMPLE)
    out = tmp_path / "out"
    report = export_bundle(engine, out)
    assert report.files["events.csv"] == 11
    with (out / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["event_id"]: row for row in csv.DictReader(handle)}
    assert list(next(iter(rows.values()))) == [
        "event_id",
        "person_id",
        "date",
        "kind",
        "new_level",
        "voluntary",
    ]
    assert rows["ev-003"]["new_level"] == "3" and rows["ev-003"]["voluntary"] == ""
    assert rows["ev-008"]["voluntary"] == "true"
    assert rows["ev-011"]["voluntary"] == "false"
    assert rows["ev-010"]["date"] == "2025-07-01"
    before = _events(engine)
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(delete(table))
    import_bundle(engine, out)
    assert _events(engine) == before
