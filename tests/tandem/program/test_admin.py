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
    check_upload,
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
