"""The Admin page's core helpers: upload checks, export as bytes, audit log reads."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from sqlalchemy import Engine, func, select

from tandem.access import Viewer, list_users, save_user
from tandem.access.privacy import DEFAULT_PRIVACY_SETTINGS, SETTINGS_KEY
from tandem.program.admin import (
    MAX_UPLOAD_BYTES,
    audit_entities,
    bundle_of_uploads,
    check_upload,
    check_uploads,
    cohort_choices,
    export_bundle_bytes,
    fingerprint,
    recent_audit,
)
from tandem.program.bundle import import_bundle, import_bundle_bytes
from tandem.program.models import Person
from tandem.program.settings import put_setting

SAMPLE_BUNDLE = Path(__file__).resolve().parents[3] / "data" / "sample_bundle"


def test_uploads_of_the_wrong_type_or_size_are_refused() -> None:
    assert check_upload("bundle.zip", 1_000) is None
    assert check_upload("People.CSV", 10) is None
    assert "not a bundle" in (check_upload("bundle.xlsx", 10) or "")
    assert "not a bundle" in (check_upload("zip", 10) or "")
    too_big = check_upload("big.zip", MAX_UPLOAD_BYTES + 1)
    assert too_big is not None and "python -m tandem import" in too_big
    assert check_upload("edge.zip", MAX_UPLOAD_BYTES) is None
    assert "empty" in (check_upload("empty.csv", 0) or "")


def _sample_files() -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(SAMPLE_BUNDLE.glob("*.csv"))]


def test_the_bundles_csv_files_may_be_uploaded_together() -> None:
    files = _sample_files()
    assert check_uploads([(name, len(data)) for name, data in files]) == []
    # One file on its own is checked as before.
    assert check_uploads([("people.csv", 10)]) == []
    assert "not a bundle" in check_uploads([("notes.txt", 10)])[0]


def test_several_files_are_refused_with_a_reason_per_file() -> None:
    sizes = [(name, len(data)) for name, data in _sample_files()]
    without_people = [(n, s) for n, s in sizes if n != "people.csv"]
    assert check_uploads(without_people) == [
        "people.csv is missing: a bundle needs at least this file."
    ]
    twice = check_uploads([*sizes, ("People.csv", 5)])
    assert twice == ["People.csv is selected twice: choose each of the bundle's files once."]
    stray = check_uploads([*sizes, ("notes.csv", 5)])
    assert len(stray) == 1 and stray[0].startswith("notes.csv is not a bundle file")
    assert "people.csv" in stray[0]
    assert "one .zip on its own" in check_uploads([*sizes, ("bundle.zip", 5)])[0]
    empty = check_uploads([*sizes, ("flags.csv", 0)])
    assert empty == ["flags.csv is empty."]
    half = MAX_UPLOAD_BYTES // 2 + 1
    too_big = check_uploads([("people.csv", half), ("pairings.csv", half)])
    assert len(too_big) == 1 and "MB together" in too_big[0]


def test_several_csv_files_import_like_the_zip_of_them(engine: Engine) -> None:
    files = _sample_files()
    name, data = bundle_of_uploads(files)
    assert name.startswith(f"{len(files)} CSV files (")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # Nothing lost or changed: every file byte for byte.
        assert {n: archive.read(n) for n in archive.namelist()} == dict(files)
    report = import_bundle_bytes(engine, name, data, actor="test")
    expected = {
        path: len(list(csv.reader(io.StringIO(content.decode("utf-8"))))) - 1
        for path, content in files
    }
    assert dict(report.rows) == expected
    assert bundle_of_uploads(files[:1]) == files[0]
    themes = bundle_of_uploads([*files, ("themes.csv", b"theme\n")])[1]
    with zipfile.ZipFile(io.BytesIO(themes)) as archive:
        assert "themes.csv" not in archive.namelist()


def test_fingerprint_tells_uploads_apart() -> None:
    assert fingerprint(b"a") == fingerprint(b"a")
    assert fingerprint(b"a") != fingerprint(b"b")


def test_actor_names_the_signed_in_person_or_the_demo_role() -> None:
    assert Viewer("admin", email="ada@example.com").actor == "ada@example.com"
    assert Viewer("admin", demo=True).actor == "demo admin"
    assert Viewer("lead", name="Ada").actor == "Ada"


def test_export_as_bytes_imports_back(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    data = export_bundle_bytes(engine)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    assert {path.name for path in SAMPLE_BUNDLE.glob("*.csv")} <= names
    report = import_bundle_bytes(engine, "export.zip", data, actor="test", dry_run=True)
    with engine.connect() as connection:
        people = connection.execute(select(func.count()).select_from(Person)).scalar_one()
    assert report.rows["people.csv"] == people


def test_the_dashboards_export_leaves_private_notes_out(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    with zipfile.ZipFile(io.BytesIO(export_bundle_bytes(engine))) as archive:
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open("feedback.csv"), "utf-8")))
    sample = list(csv.DictReader((SAMPLE_BUNDLE / "feedback.csv").open(encoding="utf-8")))
    private = {row["feedback_id"] for row in sample if row["visibility"] == "private"}
    assert private and not private & {row["feedback_id"] for row in rows}
    assert len(rows) == len(sample) - len(private)
    assert all("P&L presentation because a deal slipped" not in row["text"] for row in rows)


def test_recent_audit_is_newest_first_filtered_and_bounded(engine: Engine) -> None:
    assert recent_audit(engine) == []
    assert audit_entities(engine) == []
    save_user(engine, "a@example.com", "lead", actor="test")
    for threshold in (3, 4, 6):
        put_setting(
            engine,
            SETTINGS_KEY,
            {"threshold": threshold},
            "test",
            default=DEFAULT_PRIVACY_SETTINGS,
        )
    rows = recent_audit(engine)
    assert [r.entity for r in rows] == ["setting", "setting", "setting", "app_user"]
    assert rows[0].after == {"threshold": 6}
    assert [r.after for r in recent_audit(engine, entity="setting", limit=2)] == [
        {"threshold": 6},
        {"threshold": 4},
    ]
    assert dict(audit_entities(engine)) == {"app_user": 1, "setting": 3}


def test_cohort_choices_and_users_list(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    choices = cohort_choices(engine)
    assert len(choices) == sum(1 for _ in (SAMPLE_BUNDLE / "cohorts.csv").open()) - 1
    cohort_id = choices[0][0]
    save_user(engine, "Zed@Example.com", "lead", actor="t", cohorts=[cohort_id], display_name="Z")
    save_user(engine, "amy@example.com", "admin", actor="t")
    users = list_users(engine)
    assert [(u.email, u.role) for u in users] == [
        ("amy@example.com", "admin"),
        ("zed@example.com", "lead"),
    ]
    assert users[1].cohorts == cohort_id and users[1].display_name == "Z"
