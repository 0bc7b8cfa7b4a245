"""participants.csv: sign-ups in the bundle, checked, imported, exported and round-tripped."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from tandem.program.bundle import BundleError, export_bundle, import_bundle
from tandem.program.models import Participant
from tandem.program.schema import metadata

from .conftest import SAMPLE, dump, unchanged

HEADER = "cohort_id,person_id,role,joined_on\n"


def _participants(engine: Engine) -> dict[tuple[str, str], tuple[object, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Participant.cohort_id,
                Participant.person_id,
                Participant.role,
                Participant.joined_on,
            )
        ).all()
    return {(row[0], row[1]): (row[2], row[3]) for row in rows}


def test_sample_sign_ups_are_imported(engine: Engine) -> None:
    report = import_bundle(engine, SAMPLE)
    assert report.rows["participants.csv"] == 12
    assert report.files["participants.csv"].inserted == 12
    stored = _participants(engine)
    assert stored[("c-exec-2025", "p007")] == ("mentor", dt.date(2025, 1, 6))
    # A timestamp where a date is expected keeps its date part.
    assert stored[("c-exec-2025", "p020")] == ("mentee", dt.date(2025, 1, 8))
    # The same person may sign up for two cohorts, in different roles.
    assert stored[("c-recip-2025", "p020")] == ("either", dt.date(2025, 2, 21))
    assert stored[("c-recip-2025", "p015")] == ("either", None)


def test_a_bundle_without_participants_imports_as_before_and_keeps_stored_ones(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    old = make_bundle(participants_csv=None)
    report = import_bundle(engine, old)
    assert "participants.csv" not in report.files
    assert _participants(engine) == {}
    import_bundle(engine, SAMPLE)
    before = dump(engine, skip=("audit_log",))
    import_bundle(engine, old)  # no participants.csv: nothing about sign-ups changes
    assert dump(engine, skip=("audit_log",)) == before
    assert len(_participants(engine)) == 12


def test_reimport_upserts_by_cohort_and_person(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    rows = HEADER + (
        "c-exec-2025,p007,EITHER,2025-01-07\n"  # changed role and date; role ignores case
        "c-reverse-2025,p019,mentee,\n"  # new
    )
    report = import_bundle(engine, make_bundle(participants_csv=rows))
    counts = report.files["participants.csv"]
    assert (counts.inserted, counts.updated) == (1, 1)
    stored = _participants(engine)
    assert stored[("c-exec-2025", "p007")] == ("either", dt.date(2025, 1, 7))
    assert stored[("c-reverse-2025", "p019")] == ("mentee", None)
    assert len(stored) == 13  # like every other file: rows missing from it are kept


def test_the_same_bundle_twice_changes_nothing(engine: Engine) -> None:
    import_bundle(engine, SAMPLE)
    report = import_bundle(engine, SAMPLE)
    counts = report.files["participants.csv"]
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 12)


def _line(text: str) -> str:
    return HEADER + text + "\n"


BAD: list[tuple[str, str, str]] = [
    (
        "unknown person",
        _line("c-exec-2025,p999,mentee,"),
        "participants.csv:2: column person_id: unknown ID 'p999': "
        "not in people.csv nor in the database",
    ),
    (
        "unknown cohort",
        _line("c-none,p001,mentee,"),
        "participants.csv:2: column cohort_id: unknown ID 'c-none': "
        "not in cohorts.csv nor in the database",
    ),
    (
        "bad role",
        _line("c-exec-2025,p001,coach,"),
        "participants.csv:2: column role: expected one of mentor, mentee, either; got 'coach'",
    ),
    (
        "missing role",
        _line("c-exec-2025,p001,,"),
        "participants.csv:2: column role: required value is missing",
    ),
    (
        "missing person",
        _line("c-exec-2025,,mentor,"),
        "participants.csv:2: column person_id: required value is missing",
    ),
    (
        "bad date",
        _line("c-exec-2025,p001,mentor,2025-02-30"),
        "participants.csv:2: column joined_on: expected a date YYYY-MM-DD, got '2025-02-30'",
    ),
    (
        "a person twice in one cohort",
        HEADER + "c-exec-2025,p001,mentor,\nc-recip-2025,p001,either,\nc-exec-2025,p001,mentee,\n",
        "participants.csv:4: column person_id: person_id 'p001' appears twice for "
        "cohort_id 'c-exec-2025' (first on line 2)",
    ),
    (
        "missing role column",
        "cohort_id,person_id\nc-exec-2025,p001\n",
        "participants.csv:1: column role: required column is missing",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_sign_ups_are_refused_and_nothing_changes(
    engine: Engine, make_bundle: Callable[..., Path], rows: str, expected: str
) -> None:
    import_bundle(engine, SAMPLE)
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(participants_csv=rows))
    lines = [str(problem) for problem in raised.value.problems]
    assert lines == [expected], lines


def test_participants_are_exported_and_round_trip(engine: Engine, tmp_path: Path) -> None:
    import_bundle(engine, SAMPLE)
    out = tmp_path / "out"
    report = export_bundle(engine, out)
    assert report.files["participants.csv"] == 12
    with (out / "participants.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["cohort_id", "person_id", "role", "joined_on"]
    # In identity order: cohort, then person.
    keys = [(row["cohort_id"], row["person_id"]) for row in rows]
    assert keys == sorted(keys)
    by_key = {(row["cohort_id"], row["person_id"]): row for row in rows}
    assert by_key[("c-exec-2025", "p020")]["joined_on"] == "2025-01-08"
    assert by_key[("c-recip-2025", "p015")]["joined_on"] == ""
    before = _participants(engine)
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(delete(table))
    import_bundle(engine, out)
    assert _participants(engine) == before
