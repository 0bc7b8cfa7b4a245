"""Importing good bundles: the sample, one written by someone else, re-imports, zips."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tandem.program.bundle import BundleError, import_bundle, import_bundle_bytes
from tandem.program.models import AuditEntry, CheckIn, Cohort, Feedback, Flag, Pairing, Person

from .conftest import SAMPLE, dump, sample_text, unchanged

SAMPLE_ROWS = {
    "people.csv": 20,
    "cohorts.csv": 3,
    "pairings.csv": 11,
    "milestones.csv": 15,
    "checkins.csv": 43,
    "feedback.csv": 25,
    "flags.csv": 4,
    "events.csv": 11,
    "participants.csv": 12,
}


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def _get(engine: Engine, model: type, key: str) -> object:
    with engine.connect() as connection:
        table = model.__table__  # type: ignore[attr-defined]
        pk = next(iter(table.primary_key.columns))
        return connection.execute(select(table).where(pk == key)).one()


def test_sample_bundle_imports_with_defaults_and_audit(engine: Engine) -> None:
    report = import_bundle(engine, SAMPLE, actor="lead@example.com")
    assert report.rows == SAMPLE_ROWS
    assert report.warnings == []
    assert all(c.inserted == c.rows and c.updated == 0 for c in report.files.values())
    pairing = _get(engine, Pairing, "pr-011")
    assert pairing.kind == "traditional"  # default applied and stored
    assert pairing.cohort_id is None
    assert _get(engine, Pairing, "pr-010").cadence_days == 30
    assert _get(engine, Feedback, "fb-001").visibility == "program"
    person = _get(engine, Person, "p003")
    assert person.name == "Nuñez, José"
    assert person.manager_id == "p001"
    assert _get(engine, Person, "p019").email is None
    flag = _get(engine, Flag, "fl-001")
    assert flag.raised_at == dt.datetime(2025, 5, 12, 7, 30)  # +02:00 converted to UTC
    assert flag.owner == "program lead"
    assert _get(engine, Flag, "fl-003").resolved_at == dt.datetime(2025, 5, 5, 16, 0)
    with engine.connect() as connection:
        entries = connection.execute(select(AuditEntry.__table__)).all()
    assert len(entries) == 1
    assert (entries[0].actor, entries[0].action, entries[0].entity) == (
        "lead@example.com",
        "import",
        "bundle",
    )
    assert entries[0].after == SAMPLE_ROWS


def test_reimport_updates_in_place_and_never_duplicates(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    people = sample_text("people.csv").replace("Margaret Okafor", "Margaret Okafor-Reid")
    people += (
        "p021,Noa Levi,noa.levi@example.com,Analyst,1,Operations,Operations,EMEA,p014,,,,,,,\n"
    )
    report = import_bundle(engine, make_bundle(people_csv=people))
    people_count = report.files["people.csv"]
    # Only the renamed person counts as updated; the other 19 were given exactly as stored.
    assert (people_count.inserted, people_count.updated, people_count.unchanged) == (1, 1, 19)
    assert (report.files["checkins.csv"].updated, report.files["checkins.csv"].unchanged) == (0, 43)
    assert "people.csv: 21 rows (1 new, 1 updated, 19 unchanged)" in report.summary()
    assert _count(engine, Person) == 21
    assert _count(engine, CheckIn) == 43
    assert _get(engine, Person, "p001").name == "Margaret Okafor-Reid"
    assert _get(engine, Person, "p021").max_mentees == 2
    # Unchanged rows the dashboard edits under optimistic concurrency keep their version.
    assert _get(engine, Pairing, "pr-001").version == 1
    assert _count(engine, AuditEntry) == 2


def test_managers_may_come_later_in_the_file(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    people = (
        "person_id,name,level,division,geography,manager_id\n"
        "a,Ann,1,Ops,EMEA,b\n"
        "b,Bo,3,Ops,EMEA,c\n"
        "c,Cy,6,Ops,EMEA,\n"
    )
    import_bundle(engine, make_bundle(base=False, people_csv=people))
    assert _get(engine, Person, "a").manager_id == "b"
    assert _get(engine, Person, "b").manager_id == "c"


def test_bundle_may_add_pairings_to_people_already_imported(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    people = "person_id,name,level,division,geography\n"  # header only: no rows
    pairings = (
        "pairing_id,mentor_id,mentee_id,status,start_date,cohort_id\n"
        "pr-100,p001,p020,proposed,2026-01-05,c-recip-2025\n"
    )
    report = import_bundle(
        engine, make_bundle(base=False, people_csv=people, pairings_csv=pairings)
    )
    assert report.rows == {"people.csv": 0, "pairings.csv": 1}
    assert _count(engine, Pairing) == 12
    assert _count(engine, Person) == 20


def test_an_email_may_move_from_one_person_to_another(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    people = (
        "person_id,name,email,level,division,geography\n"
        "p002,Zoë Ångström,zoe@example.com,7,Corporate,EMEA\n"
        "p018,Ingrid Johansson,zoe.angstrom@example.com,3,Corporate,EMEA\n"
    )
    import_bundle(engine, make_bundle(base=False, people_csv=people))
    assert _get(engine, Person, "p018").email == "zoe.angstrom@example.com"
    assert _get(engine, Person, "p002").email == "zoe@example.com"


def test_overloads_and_reporting_lines_are_not_rejected(engine: Engine) -> None:
    """The sample has a mentor over capacity and a pair inside a reporting line."""
    import_bundle(engine, SAMPLE)
    with engine.connect() as connection:
        load = connection.execute(
            select(func.count()).where(Pairing.mentor_id == "p003", Pairing.status == "active")
        ).scalar_one()
        capacity = connection.execute(
            select(Person.max_mentees).where(Person.person_id == "p003")
        ).scalar_one()
        inside_line = connection.execute(
            select(func.count())
            .select_from(Pairing)
            .join(Person, Person.person_id == Pairing.mentee_id)
            .where(Person.manager_id == Pairing.mentor_id)
        ).scalar_one()
    assert load > capacity
    assert inside_line == 1


def test_dry_run_validates_but_writes_nothing(engine: Engine) -> None:
    with unchanged(engine):
        report = import_bundle(engine, SAMPLE, dry_run=True)
    assert report.dry_run
    assert report.rows == SAMPLE_ROWS


# --- A bundle written by someone else -----------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "<script>alert('x')</script>",
    "[link](javascript:alert(1))",
    "+1 great session\nsecond line, with a comma\r\nthird line",
    "-minus first",
    "@mention first",
]

FOREIGN_PEOPLE = (
    "\ufeff PERSON_ID ,  Name ,LEVEL, Division , GEOGRAPHY ,Manager_ID,Email,Badge Number,"
    "STRENGTHS,Max_Mentees\r\n"
    'x-ceo,"Ångström, Zoë",8,Corporate,EMEA,,zoe@corp.example,0001," Strategy ;; board ",\r\n'
    "x-vp,李伟,6,Commercial,APAC,x-ceo,li@corp.example,0002,,4\r\n"
    'x-ic,"Nguyễn Thị Hoa",2,Operations,APAC,x-vp,,0003,,\r\n'
    "\r\n"
    "x-eng,José Nuñez,3,Technology,Americas,x-vp, JOSE@corp.example ,0004,hiring,1\r\n"
)
FOREIGN_COHORTS = (
    "START_DATE,COHORT_ID,PROGRAM_TYPE,NAME,sponsor_id\r\n"
    "2025-03-01T09:30:00+02:00,k1,Executive,Leaders 2025,x-ceo\r\n"
)
FOREIGN_PAIRINGS = (
    "Mentee_ID,Mentor_ID,Pairing_ID,Status,Start_Date,Kind,Cohort_ID,health,stalled,"
    "stall_reasons,Notes\r\n"
    "x-ic,x-vp,q1,Active,2025-03-02T00:00:00Z,REVERSE,k1,55,true,no contact,internal\r\n"
    "x-eng,x-ceo,q2,active,2025-03-05,,k1,,,,\r\n"
)


def _foreign_feedback() -> str:
    rows = ["FEEDBACK_ID,Pairing_ID,DATE,SOURCE,AUTHOR_ROLE,TEXT,theme,sentiment\r\n"]
    for i, text in enumerate(HOSTILE):
        quoted = '"' + text.replace('"', '""') + '"'
        rows.append(f"f{i},q1,2025-04-0{i + 1}T18:00:00,journal,Mentee,{quoted},x,0.5\r\n")
    return "".join(rows)


def test_realistic_bundle_written_by_someone_else(
    engine: Engine, make_bundle: Callable[..., Path], tmp_path: Path
) -> None:
    bundle = make_bundle(
        base=False,
        people_csv=FOREIGN_PEOPLE,
        cohorts_csv=FOREIGN_COHORTS,
        pairings_csv=FOREIGN_PAIRINGS,
        feedback_csv=_foreign_feedback(),
    )
    (bundle / "README.txt").write_text("exported from HRIS", encoding="utf-8")
    report = import_bundle(engine, bundle)
    assert report.rows == {
        "people.csv": 4,
        "cohorts.csv": 1,
        "pairings.csv": 2,
        "feedback.csv": len(HOSTILE),
    }
    assert report.warnings == [
        "people.csv:1: column Badge Number: unknown column; ignored",
        "pairings.csv:1: column Notes: unknown column; ignored",
    ]
    ceo = _get(engine, Person, "x-ceo")
    assert (ceo.name, ceo.strengths, ceo.max_mentees) == ("Ångström, Zoë", "Strategy;board", 2)
    assert _get(engine, Person, "x-eng").email == "JOSE@corp.example"
    assert _get(engine, Cohort, "k1").start_date == dt.date(2025, 3, 1)
    assert _get(engine, Cohort, "k1").program_type == "executive"
    q1 = _get(engine, Pairing, "q1")
    assert (q1.kind, q1.status, q1.start_date) == ("reverse", "active", dt.date(2025, 3, 2))
    with engine.connect() as connection:
        texts = connection.execute(select(Feedback.text).order_by(Feedback.feedback_id))
        assert list(texts.scalars()) == HOSTILE

    from tandem.program.bundle import export_bundle

    out = tmp_path / "out"
    export_bundle(engine, out)
    before = dump(engine, skip=("audit_log",))
    import_bundle(engine, out)
    assert dump(engine, skip=("audit_log", "pairings", "flags")) == {
        k: v for k, v in before.items() if k not in ("pairings", "flags")
    }


# --- Zips ------------------------------------------------------------------------


def _zip_sample(path: Path, prefix: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for csv_file in sorted(SAMPLE.glob("*.csv")):
            archive.write(csv_file, prefix + csv_file.name)
        archive.writestr("__MACOSX/._people.csv", b"\x00\x05junk")
    return path


@pytest.mark.parametrize("prefix", ["", "program-2025/"], ids=["root", "top-level-folder"])
def test_zip_bundle(engine: Engine, tmp_path: Path, prefix: str) -> None:
    report = import_bundle(engine, _zip_sample(tmp_path / "bundle.zip", prefix))
    assert report.rows == SAMPLE_ROWS


def test_uploaded_zip_bytes_import_like_the_cli(engine: Engine, tmp_path: Path) -> None:
    data = _zip_sample(tmp_path / "b.zip", "export/").read_bytes()
    report = import_bundle_bytes(engine, "upload.zip", data, actor="viewer")
    assert report.rows == SAMPLE_ROWS
    with pytest.raises(BundleError):
        import_bundle_bytes(engine, "upload.zip", b"not a zip", actor="viewer")


def test_stray_files_in_a_zip_are_warned_about(engine: Engine, tmp_path: Path) -> None:
    path = _zip_sample(tmp_path / "b.zip", "top/")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("top/mentors_old.csv", b"x\n")
        archive.writestr("top/archive/people.csv", b"x\n")
        archive.writestr("top/notes.txt", b"x\n")
    report = import_bundle(engine, path)
    assert report.rows == SAMPLE_ROWS
    assert report.warnings == [
        "b.zip: mentors_old.csv: not a bundle file; ignored",
        "b.zip: top/archive/people.csv: in a subfolder; ignored",
    ]
