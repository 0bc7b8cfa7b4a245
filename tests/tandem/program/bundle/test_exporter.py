"""Export: every file in the spec's order, derived columns, formulas neutralised, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert

from tandem.program.bundle import export_bundle, import_bundle
from tandem.program.bundle import exporter as bundle_exporter
from tandem.program.bundle.spec import FILES, THEMES_COLUMNS
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Feedback
from tandem.program.schema import metadata
from tandem.program.theme_tables import FeedbackAnalysis, Theme

from .conftest import SAMPLE, dump


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _wipe(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(delete(table))


def test_round_trip_reproduces_the_program_exactly(engine: Engine, tmp_path: Path) -> None:
    import_bundle(engine, SAMPLE)
    first = tmp_path / "first"
    export_bundle(engine, first)
    rows_before = dump(engine, skip=("audit_log",))
    _wipe(engine)
    import_bundle(engine, first)
    assert dump(engine, skip=("audit_log",)) == rows_before
    second = tmp_path / "second"
    export_bundle(engine, second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted([s.filename for s in FILES] + ["themes.csv"])
    assert sorted(p.name for p in second.iterdir()) == names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_columns_follow_the_spec_order(engine: Engine, tmp_path: Path) -> None:
    import_bundle(engine, SAMPLE)
    report = export_bundle(engine, tmp_path / "out")
    for spec in FILES:
        expected = [c.name for c in spec.all_columns] + list(spec.derived)
        assert _header(tmp_path / "out" / spec.filename) == expected
        assert report.files[spec.filename] == len(_read(tmp_path / "out" / spec.filename))
    assert _header(tmp_path / "out" / "themes.csv") == list(THEMES_COLUMNS)
    people = {row["person_id"]: row for row in _read(tmp_path / "out" / "people.csv")}
    assert people["p002"]["tenure_years"] == "9.5"
    assert people["p001"]["tenure_years"] == "14"
    assert people["p003"]["name"] == "Nuñez, José"
    flags = {row["flag_id"]: row for row in _read(tmp_path / "out" / "flags.csv")}
    assert flags["fl-001"]["raised_at"] == "2025-05-12T07:30:00Z"
    assert flags["fl-002"]["raised_at"] == "2025-06-20"  # a plain date stays a plain date


def test_formulas_are_neutralised_on_export_and_restored_on_import(
    engine: Engine, tmp_path: Path
) -> None:
    import_bundle(engine, SAMPLE)
    export_bundle(engine, tmp_path / "out")
    feedback = {row["feedback_id"]: row for row in _read(tmp_path / "out" / "feedback.csv")}
    assert feedback["fb-024"]["text"].startswith("'=SUM(A1:A3)")
    for path in (tmp_path / "out").glob("*.csv"):
        for row in _read(path):
            for column, value in row.items():
                if column not in ("sentiment", "health"):
                    assert not value or value[0] not in "=+-@\t\r", (path.name, column, value)
    import_bundle(engine, tmp_path / "out")
    with engine.connect() as connection:
        text = connection.execute(
            Feedback.__table__.select().where(Feedback.feedback_id == "fb-024")
        ).one()
    assert text.text.startswith("=SUM(A1:A3)")


def test_derived_columns_and_themes(engine: Engine, tmp_path: Path) -> None:
    import_bundle(engine, SAMPLE)
    with engine.begin() as connection:
        connection.execute(
            insert(Theme),
            [
                {
                    "theme_id": 1,
                    "name": "time and scheduling",
                    "keywords": "cancel;time",
                    "active": True,
                },
                {
                    "theme_id": 2,
                    "name": "skill growth",
                    "keywords": "learned;progress",
                    "active": True,
                },
                {"theme_id": 3, "name": "retired theme", "keywords": "", "active": False},
                {"theme_id": 4, "name": "=cmd", "keywords": "-x", "active": True},
            ],
        )
        connection.execute(
            insert(FeedbackAnalysis),
            [
                # Hand-coded "skill growth" wins over the engine's theme.
                {"feedback_id": "fb-001", "theme_id": 1, "sentiment": 0.62},
                {"feedback_id": "fb-009", "theme_id": 1, "sentiment": -0.4},
                {"feedback_id": "fb-013", "theme_id": 3, "sentiment": None},
            ],
        )
        connection.execute(
            insert(PairingHealth),
            [
                {
                    "pairing_id": "pr-004",
                    "health": 31.5,
                    "stalled": True,
                    "reasons": "no check-in for 60 days;milestone missed",
                    "as_of": dt.date(2025, 6, 1),
                },
                {
                    "pairing_id": "pr-001",
                    "health": 88.0,
                    "stalled": False,
                    "reasons": "",
                    "as_of": dt.date(2025, 6, 1),
                },
            ],
        )
    out = tmp_path / "out"
    export_bundle(engine, out)
    pairings = {row["pairing_id"]: row for row in _read(out / "pairings.csv")}
    assert (pairings["pr-004"]["health"], pairings["pr-004"]["stalled"]) == ("31.5", "true")
    assert pairings["pr-004"]["stall_reasons"] == "no check-in for 60 days;milestone missed"
    assert (pairings["pr-001"]["health"], pairings["pr-001"]["stalled"]) == ("88", "false")
    assert (pairings["pr-002"]["health"], pairings["pr-002"]["stalled"]) == ("", "false")
    feedback = {row["feedback_id"]: row for row in _read(out / "feedback.csv")}
    assert (feedback["fb-001"]["theme"], feedback["fb-001"]["sentiment"]) == (
        "skill growth",
        "0.62",
    )
    assert (feedback["fb-009"]["theme"], feedback["fb-009"]["sentiment"]) == (
        "time and scheduling",
        "-0.4",
    )
    assert feedback["fb-013"]["theme"] == "retired theme"
    assert (feedback["fb-005"]["theme"], feedback["fb-005"]["sentiment"]) == ("", "")
    themes = _read(out / "themes.csv")
    by_name = {row["theme"]: row for row in themes}
    assert set(by_name) == {"time and scheduling", "skill growth", "'=cmd"}
    exported = [row["theme"] for row in feedback.values()]
    assert by_name["time and scheduling"]["feedback_count"] == str(
        exported.count("time and scheduling")
    )
    assert by_name["skill growth"]["feedback_count"] == str(exported.count("skill growth"))
    assert by_name["'=cmd"] == {"theme": "'=cmd", "keywords": "'-x", "feedback_count": "0"}
    # Import ignores the derived columns and themes.csv without a warning.
    report = import_bundle(engine, out)
    assert report.warnings == []


def test_zip_export_and_small_stream_chunks(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bundle(engine, SAMPLE)
    monkeypatch.setattr(bundle_exporter, "STREAM_ROWS", 4)
    folder_report = export_bundle(engine, tmp_path / "folder")
    zip_report = export_bundle(engine, tmp_path / "program.zip")
    assert zip_report.files == folder_report.files
    assert folder_report.files["checkins.csv"] == 43
    with zipfile.ZipFile(tmp_path / "program.zip") as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in (tmp_path / "folder").iterdir())
        for name in archive.namelist():
            assert archive.read(name) == (tmp_path / "folder" / name).read_bytes()
        rows = list(csv.reader(io.StringIO(archive.read("checkins.csv").decode("utf-8"))))
    assert len(rows) == 44
    assert not list(tmp_path.glob(".*partial"))
    # And the zip imports back.
    assert import_bundle(engine, tmp_path / "program.zip").rows["checkins.csv"] == 43


def test_export_of_an_empty_database_writes_headers(engine: Engine, tmp_path: Path) -> None:
    report = export_bundle(engine, tmp_path / "empty")
    assert set(report.files.values()) == {0}
    for spec in FILES:
        assert (
            len((tmp_path / "empty" / spec.filename).read_text(encoding="utf-8").splitlines()) == 1
        )
