"""The Admin page: who may open it, bundle upload (check, then import), users, rules, audit."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from components.admin import SECTION_KEY, SECTIONS
from tandem.access import list_users
from tandem.access.privacy import privacy_threshold
from tandem.program.db import get_engine
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import AuditEntry, Person
from tandem.program.schema import metadata
from tests.app.conftest import as_read, open_as

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"


def all_tables(engine: Engine) -> None:
    # The migration may lag behind the models until the lead regenerates it;
    # the refresh after an import needs every analytic table.
    metadata.create_all(engine)


def sample_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE_BUNDLE.glob("*.csv")):
            archive.write(path, f"sample_bundle/{path.name}")
    return buffer.getvalue()


def csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def admin_page(
    role: str = "admin", *, present: bool = False, section: str | None = None
) -> AppTest:
    """The Admin page, with tab ``section`` open (only the open tab runs)."""
    query = {SECTION_KEY: section} if section else None
    return open_as("pages/admin.py", role, present=present, query=query, timeout=90)


def count(url: str, statement) -> int:  # type: ignore[no-untyped-def]
    with get_engine(url).connect() as connection:
        return int(connection.execute(statement).scalar_one())


def audit_count(url: str, **where: str) -> int:
    statement = select(func.count()).select_from(AuditEntry)
    for column, value in where.items():
        statement = statement.where(getattr(AuditEntry, column) == value)
    return count(url, statement)


def errors(at: AppTest) -> str:
    return " ".join(as_read(str(e.value)) for e in at.error)


def test_admin_sees_every_section(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(all_tables)
    at = admin_page()
    assert [tab.label for tab in at.tabs] == list(SECTIONS)
    uploader = at.file_uploader(key="admin_bundle_upload")
    assert uploader.allowed_type == [".zip", ".csv"]
    assert uploader.accept_multiple_files
    assert not at.text_input  # only the open tab runs
    users = admin_page(section="Users and roles")
    assert users.text_input(key="admin_user_email_new") is not None
    assert admin_page(section="Rules").number_input(key="admin_privacy").value == 5
    assert [i.value for i in admin_page(section="Audit log").info] == [
        "Nothing has been written yet."
    ]
    assert not at.error


@pytest.mark.parametrize("role", ["sponsor", "lead"])
def test_other_roles_are_refused(app_database, role: str) -> None:  # type: ignore[no-untyped-def]
    app_database(all_tables)
    at = admin_page(role)
    assert f"is not open to the {role} role" in errors(at)
    assert not at.tabs
    assert not at.file_uploader


def test_a_valid_bundle_is_checked_then_imported_once(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(all_tables)
    at = admin_page()
    at.file_uploader(key="admin_bundle_upload").set_value(
        ("sample_bundle.zip", sample_zip(), "application/zip")
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    counts = next(frame.value for frame in at.dataframe if "File" in frame.value.columns)
    expected = {path.name: csv_rows(path) for path in SAMPLE_BUNDLE.glob("*.csv")}
    assert dict(zip(counts["File"], counts["Rows"], strict=True)) == expected
    # The check wrote nothing.
    assert count(url, select(func.count()).select_from(Person)) == 0
    assert audit_count(url) == 0

    at.button(key="admin_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert count(url, select(func.count()).select_from(Person)) == expected["people.csv"]
    assert audit_count(url, action="import") == 1
    # The refresh ran after the import: every pairing has a health row.
    assert count(url, select(func.count()).select_from(PairingHealth)) == expected["pairings.csv"]
    assert any("Imported, and themes and health refreshed" in s.value for s in at.success)

    # The same upload on later runs is shown as done, never imported again.
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "admin_import"]
    assert audit_count(url, action="import") == 1


def sample_csv_files() -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(SAMPLE_BUNDLE.glob("*.csv"))]


def test_the_bundles_csv_files_import_like_the_zip(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(all_tables)
    at = admin_page()
    at.file_uploader(key="admin_bundle_upload").set_value(sample_csv_files())
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    counts = next(frame.value for frame in at.dataframe if "File" in frame.value.columns)
    expected = {path.name: csv_rows(path) for path in SAMPLE_BUNDLE.glob("*.csv")}
    assert dict(zip(counts["File"], counts["Rows"], strict=True)) == expected
    assert count(url, select(func.count()).select_from(Person)) == 0

    at.button(key="admin_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert count(url, select(func.count()).select_from(Person)) == expected["people.csv"]
    assert audit_count(url, action="import") == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda files: [f for f in files if f[0] != "people.csv"], "people.csv is missing"),
        (
            lambda files: [*files, ("Pairings.csv", b"x", "text/csv")],
            "Pairings.csv is selected twice",
        ),
        (lambda files: [*files, ("notes.csv", b"x", "text/csv")], "notes.csv is not a bundle file"),
        (
            lambda files: [*files, ("bundle.zip", sample_zip(), "application/zip")],
            "one .zip on its own",
        ),
    ],
    ids=["missing people.csv", "duplicate", "unknown file", "zip among them"],
)
def test_a_wrong_selection_of_files_is_refused_and_writes_nothing(  # type: ignore[no-untyped-def]
    app_database, change, expected: str
) -> None:
    url = app_database(all_tables)
    at = admin_page()
    at.file_uploader(key="admin_bundle_upload").set_value(change(sample_csv_files()))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert expected in errors(at) and "Nothing was checked or written" in errors(at)
    assert not [b for b in at.button if b.key == "admin_import"]
    assert count(url, select(func.count()).select_from(Person)) == 0
    assert audit_count(url) == 0


def test_a_broken_bundle_lists_every_problem_and_writes_nothing(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(all_tables)
    people = (SAMPLE_BUNDLE / "people.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = people[0], people[1].split(","), people[2].split(",")
    first[4] = "eleven"  # level must be a whole number
    second[4] = "99"  # level is 1 to 8
    broken = "\n".join([header, ",".join(first), ",".join(second), *people[3:]]) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("people.csv", broken)
        archive.write(SAMPLE_BUNDLE / "cohorts.csv", "cohorts.csv")

    at = admin_page()
    at.file_uploader(key="admin_bundle_upload").set_value(
        ("broken.zip", buffer.getvalue(), "application/zip")
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "nothing was written" in errors(at)
    report = "\n".join(str(code.value) for code in at.code)
    assert "people.csv:2: column level:" in report
    assert "people.csv:3: column level:" in report
    assert "2 problems found" in errors(at)
    assert not [b for b in at.button if b.key == "admin_import"]
    assert count(url, select(func.count()).select_from(Person)) == 0
    assert audit_count(url) == 0


def test_a_bad_email_is_refused_and_a_good_one_saved(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(all_tables)
    at = admin_page(section="Users and roles")
    at.text_input(key="admin_user_email_new").set_value("not-an-email")
    at.button(key="admin_user_save").click().run()
    assert not at.exception
    assert "The user was not saved" in errors(at)
    assert list_users(get_engine(url)) == []

    at.text_input(key="admin_user_email_new").set_value("Ada@Example.com")
    at.text_input(key="admin_user_name_new").set_value("Ada")
    at.selectbox(key="admin_user_role_new").set_value("lead")
    at.button(key="admin_user_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    users = list_users(get_engine(url))
    assert [(u.email, u.role, u.display_name) for u in users] == [
        ("ada@example.com", "lead", "Ada")
    ]
    assert audit_count(url, action="save_user") == 1
    table = next(frame.value for frame in at.dataframe if "E-mail" in frame.value.columns)
    assert table["E-mail"].tolist() == ["ada@example.com"]


def test_removing_a_user_needs_a_confirmation(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.access import save_user

    url = app_database(all_tables)
    save_user(get_engine(url), "lead@example.com", "lead", actor="test")
    at = admin_page(section="Users and roles")
    assert at.button(key="admin_remove").disabled
    at.checkbox(key="admin_remove_confirm").check().run()
    at.button(key="admin_remove").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert list_users(get_engine(url)) == []
    assert audit_count(url, action="remove_user") == 1


def test_privacy_threshold_is_saved_with_one_audit_row_and_range_checked(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(all_tables)
    at = admin_page(section="Rules")
    at.number_input(key="admin_privacy").set_value(7)
    at.button(key="admin_privacy_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert privacy_threshold(get_engine(url)) == 7
    assert audit_count(url, entity="setting", entity_id="privacy") == 1

    at.number_input(key="admin_privacy").set_value(1)
    at.button(key="admin_privacy_save").click().run()
    assert "between 2 and 100" in errors(at)
    assert privacy_threshold(get_engine(url)) == 7
    assert audit_count(url, entity="setting", entity_id="privacy") == 1

    # The audit log tab lists the change.
    at = admin_page(section="Audit log")
    log = next(frame.value for frame in at.dataframe if "Action" in frame.value.columns)
    assert "setting.put" in log["Action"].tolist()


def test_health_rules_are_saved_and_bad_values_refused(app_database) -> None:  # type: ignore[no-untyped-def]
    """The same editor as the Stalled page's, with the same behaviour after a save."""
    from tandem.health import health_settings

    url = app_database(all_tables)

    def at_risk_input(at: AppTest):  # type: ignore[no-untyped-def]
        (found,) = [n for n in at.number_input if n.label == "At risk below (health)"]
        return found

    at = admin_page(section="Rules")
    at_risk_input(at).set_value(60.0)
    at.button(key="health_rules_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert health_settings(get_engine(url))["at_risk_below"] == 60.0
    assert any("Health rules saved" in s.value for s in at.success)
    assert audit_count(url, action="health.refresh") == 1  # recomputed with the new rules
    # The formula shown is read again after the save (caches cleared): the new line.
    assert any("below 60" in c.value and "capped at 59" in c.value for c in at.caption)
    at_risk_input(at).set_value(150.0)
    at.button(key="health_rules_save").click().run()
    assert "at_risk_below must be between" in errors(at)
    assert health_settings(get_engine(url))["at_risk_below"] == 60.0
    assert audit_count(url, entity="setting", entity_id="health") == 1


def weight_slider(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    (found,) = [s for s in at.slider if s.label == label]
    return found


def test_matching_weights_are_saved_by_the_one_editor(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.matching.config import load_match_config

    url = app_database(all_tables)
    at = admin_page(section="Rules")
    assert at.button(key="admin_weights_save").disabled  # nothing changed yet
    weight_slider(at, "Level gap").set_value(0.5).run()
    assert any("unsaved" in c.value for c in at.caption)
    at.button(key="admin_weights_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert load_match_config(get_engine(url)).weights["level"] == 0.5
    assert audit_count(url, entity="setting", entity_id="matching") == 1
    assert any("Weights saved" in s.value for s in at.success)
    # After the save the editor starts from the saved values: nothing left to save.
    assert weight_slider(at, "Level gap").value == 0.5
    assert at.button(key="admin_weights_save").disabled
    # A refused value is said in words and writes nothing.
    sigma = next(n for n in at.number_input if "level_sigma" in str(n.key))
    sigma.set_value(0.0).run()
    assert "These weights cannot be used" in errors(at)
    assert at.button(key="admin_weights_save").disabled
    assert audit_count(url, entity="setting", entity_id="matching") == 1


def test_put_back_returns_the_editor_to_the_saved_weights(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(all_tables)
    at = admin_page(section="Rules")
    weight_slider(at, "Availability").set_value(0.9).run()
    at.button(key="admin_weights_put_back").click().run()
    assert weight_slider(at, "Availability").value == 0.1
    assert at.button(key="admin_weights_save").disabled


def test_presenter_mode_is_read_only_and_hides_people(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.access import save_user

    url = app_database(all_tables)
    save_user(get_engine(url), "lead@example.com", "lead", actor="someone@example.com")
    for section in SECTIONS:  # only the open tab runs: every one in turn
        at = admin_page(present=True, section=section)
        assert not at.file_uploader
        assert not at.text_input
        # The matching weights are shown, read-only; nothing can be saved.
        assert all(n.disabled for n in at.number_input) and all(s.disabled for s in at.slider)
        assert not [b for b in at.button if b.key and b.key.startswith("admin_weights_")]
        shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
        assert "lead@example.com" not in shown
        assert "someone@example.com" not in shown
        assert not at.json
        if section == "Rules":
            assert at.slider and all(s.disabled for s in at.slider)  # the weights are there


def test_recompute_now_refreshes_health(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.program.bundle import import_bundle

    def sample(engine: Engine) -> None:
        all_tables(engine)
        import_bundle(engine, SAMPLE_BUNDLE)

    url = app_database(sample)
    assert count(url, select(func.count()).select_from(PairingHealth)) == 0
    at = admin_page(section="Rules")
    # Named for what it runs: the Stalled page's "Recompute health now" does health only.
    assert at.button(key="admin_refresh").label == "Run the full refresh now"
    at.button(key="admin_refresh").click().run()
    assert not at.exception, [e.value for e in at.exception]
    pairings = csv_rows(SAMPLE_BUNDLE / "pairings.csv")
    assert count(url, select(func.count()).select_from(PairingHealth)) == pairings
    assert audit_count(url, action="health.refresh") == 1


def test_an_admin_sees_what_an_audited_change_did(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.access import save_user

    url = app_database(all_tables)
    save_user(get_engine(url), "lead@example.com", "lead", actor="test", display_name="Lee")
    at = admin_page(section="Audit log")
    assert not at.json
    (row_id,) = [option for option in at.selectbox(key="admin_audit_row").options if option != "—"]
    at.selectbox(key="admin_audit_row").set_value(int(row_id.lstrip("#"))).run()
    assert not at.exception
    assert [j.value for j in at.json][1] == (
        '{"role": "lead", "cohorts": "", "display_name": "Lee"}'
    )


def _encrypted_entry(data: bytes) -> bytes:
    """The zip with its first entry marked as encrypted (zipfile cannot write one)."""
    buffer = bytearray(data)
    buffer[buffer.find(b"PK\x01\x02") + 8] |= 0x1
    return bytes(buffer)


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            lambda: _encrypted_entry(sample_zip()),
            "hostile.zip: entry 'sample_bundle/checkins.csv' is encrypted",
        ),
        (
            lambda: _zip_with(
                "people.csv",
                (SAMPLE_BUNDLE / "people.csv")
                .read_text(encoding="utf-8")
                .replace("discussion,4,1,woman", "discussion,4,3000000000,woman"),
            ),
            "people.csv:2: column max_mentees: must be between 0 and 100, got 3000000000",
        ),
    ],
    ids=["encrypted entry", "max_mentees past int32"],
)
def test_a_hostile_upload_is_refused_without_an_app_error(app_database, upload, expected) -> None:  # type: ignore[no-untyped-def]
    url = app_database(all_tables)
    at = admin_page()
    at.file_uploader(key="admin_bundle_upload").set_value(
        ("hostile.zip", upload(), "application/zip")
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "nothing was written" in errors(at)
    report = "\n".join(str(code.value) for code in at.code)
    assert expected in report, report
    assert count(url, select(func.count()).select_from(Person)) == 0


def _zip_with(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE_BUNDLE.glob("*.csv")):
            archive.writestr(path.name, text if path.name == name else path.read_bytes())
    return buffer.getvalue()
