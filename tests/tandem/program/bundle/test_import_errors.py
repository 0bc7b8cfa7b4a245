"""Bad bundles: each is refused with a FILE:LINE: column COLUMN message, writing nothing."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tandem.program.bundle import BundleError, import_bundle
from tandem.program.bundle import reader as bundle_reader

from .conftest import SAMPLE, sample_text, unchanged


def _replace_line(name: str, line: int, text: str) -> str:
    """The sample file ``name`` with its LINE (1 = header) replaced by ``text``."""
    lines = sample_text(name).splitlines()
    lines[line - 1] = text
    return "\n".join(lines) + "\n"


def _append(name: str, *rows: str) -> str:
    return sample_text(name) + "".join(row + "\n" for row in rows)


def _edit(name: str, line: int, column: str, value: str) -> str:
    """Replace one cell of a simple (unquoted) sample row."""
    lines = sample_text(name).splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _drop_column(name: str, column: str) -> str:
    lines = sample_text(name).splitlines()
    index = lines[0].split(",").index(column)
    out = []
    for line in lines:
        cells = line.split(",")
        del cells[index]
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


LONG_TEXT = "x" * 10_001

# (case id, files to replace, the exact start of the expected problem line)
CASES: list[tuple[str, dict[str, str | bytes | None], str]] = [
    (
        "missing required column",
        {"checkins_csv": _drop_column("checkins.csv", "date")},
        "checkins.csv:1: column date: required column is missing",
    ),
    (
        "duplicate header column",
        {
            "cohorts_csv": "cohort_id,name,program_type,start_date,Name\n"
            "c1,One,executive,2025-01-01,Again\n"
        },
        "cohorts.csv:1: column name: duplicate column",
    ),
    (
        "bad date",
        {"cohorts_csv": _edit("cohorts.csv", 3, "start_date", "2025-02-30")},
        "cohorts.csv:3: column start_date: expected a date YYYY-MM-DD, got '2025-02-30'",
    ),
    (
        "date in another format",
        {"milestones_csv": _edit("milestones.csv", 3, "due_date", "30/09/2025")},
        "milestones.csv:3: column due_date: expected a date YYYY-MM-DD, got '30/09/2025'",
    ),
    (
        "level out of range",
        {"people_csv": _edit("people.csv", 3, "level", "9")},
        "people.csv:3: column level: must be between 1 and 8, got 9",
    ),
    (
        "level not a whole number",
        {"people_csv": _edit("people.csv", 7, "level", "3.5")},
        "people.csv:7: column level: expected a whole number, got '3.5'",
    ),
    (
        "negative tenure",
        {"people_csv": _edit("people.csv", 2, "tenure_years", "-1")},
        "people.csv:2: column tenure_years: must be between 0 and 80, got -1",
    ),
    (
        "monthly hours not a number",
        {"people_csv": _edit("people.csv", 2, "monthly_hours", "lots")},
        "people.csv:2: column monthly_hours: expected a number, got 'lots'",
    ),
    (
        "cadence out of range",
        {"pairings_csv": _edit("pairings.csv", 2, "cadence_days", "0")},
        "pairings.csv:2: column cadence_days: must be between 1 and 180, got 0",
    ),
    (
        "rating out of range",
        {"checkins_csv": _edit("checkins.csv", 10, "safety", "6")},
        "checkins.csv:10: column safety: must be between 1 and 5, got 6",
    ),
    (
        "unknown enum",
        {"pairings_csv": _edit("pairings.csv", 4, "status", "running")},
        "pairings.csv:4: column status: expected one of proposed, active, paused, completed, "
        "ended; got 'running'",
    ),
    (
        "unknown mentor",
        {"pairings_csv": _edit("pairings.csv", 2, "mentor_id", "p999")},
        "pairings.csv:2: column mentor_id: unknown ID 'p999': not in people.csv nor in the "
        "database",
    ),
    (
        "unknown manager",
        {"people_csv": _edit("people.csv", 9, "manager_id", "p404")},
        "people.csv:9: column manager_id: unknown ID 'p404'",
    ),
    (
        "unknown pairing of a check-in",
        {"checkins_csv": _append("checkins.csv", "ci-9999,pr-404,2025-05-01,30,both,3,3,3,3,3")},
        "checkins.csv:45: column pairing_id: unknown ID 'pr-404'",
    ),
    (
        "duplicate ID",
        {"people_csv": _append("people.csv", sample_text("people.csv").splitlines()[1])},
        "people.csv:22: column person_id: duplicate ID 'p001' (first on line 2)",
    ),
    (
        "paired with themself",
        {"pairings_csv": _edit("pairings.csv", 4, "mentee_id", "p003")},
        "pairings.csv:4: column mentee_id: a person cannot be paired with themself",
    ),
    (
        "too many fields",
        {
            "checkins_csv": _replace_line(
                "checkins.csv", 3, "ci-0002,pr-001,2025-02-27,55,x,3,3,3,4,,"
            )
        },
        "checkins.csv:3: row has 11 fields but the header has 10",
    ),
    (
        "too few fields",
        {"checkins_csv": _replace_line("checkins.csv", 7, "ci-0006,pr-001,2025-07-03")},
        "checkins.csv:7: row has 3 fields but the header has 10",
    ),
    (
        "not UTF-8",
        {"people_csv": sample_text("people.csv").encode("utf-8").replace(b"\xc3\xab", b"\xeb")},
        "people.csv:3: file is not UTF-8 (byte 0xEB cannot be decoded)",
    ),
    (
        "empty file",
        {"cohorts_csv": b""},
        "cohorts.csv:1: file is empty, expected a header row",
    ),
    (
        "no people.csv",
        {"people_csv": None},
        "people.csv: file is missing",
    ),
    (
        "end before start",
        {"cohorts_csv": _edit("cohorts.csv", 2, "end_date", "2024-12-31")},
        "cohorts.csv:2: column end_date: 2024-12-31 is before start_date 2025-01-13",
    ),
    (
        "ended before start",
        {"pairings_csv": _edit("pairings.csv", 7, "ended_date", "2025-01-01")},
        "pairings.csv:7: column ended_date: 2025-01-01 is before start_date 2025-02-10",
    ),
    (
        "duplicate email in the bundle",
        {"people_csv": _edit("people.csv", 7, "email", "Zoe.Angstrom@example.com")},
        "people.csv:7: column email: email 'Zoe.Angstrom@example.com' is already used on line 3",
    ),
    (
        "feedback text too long",
        {"feedback_csv": _append("feedback.csv", f"fb-999,,,2025-07-01,other,lead,,{LONG_TEXT},")},
        "feedback.csv:29: column text: text is 10,001 characters long; at most 10,000 are allowed",
    ),
    (
        "ID too long",
        {"cohorts_csv": _append("cohorts.csv", f"{'c' * 65},Long,peer,2025-01-01,,")},
        "cohorts.csv:5: column cohort_id: ID is 65 characters long; at most 64 are allowed",
    ),
    (
        "required value empty",
        {"people_csv": _edit("people.csv", 8, "division", "  ")},
        "people.csv:8: column division: required value is missing",
    ),
    (
        "malformed quoting",
        {"cohorts_csv": _append("cohorts.csv", 'c-x,"Bad" quote,peer,2025-01-01,,')},
        "cohorts.csv:5: malformed CSV",
    ),
    (
        "bad timestamp in flags",
        {"flags_csv": _edit("flags.csv", 5, "raised_at", "2025-05-06T25:00:00")},
        "flags.csv:5: column raised_at: expected a date YYYY-MM-DD or a timestamp",
    ),
]


def _import_sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE)


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_bundle_is_refused_and_nothing_changes(
    engine: Engine,
    make_bundle: Callable[..., Path],
    files: dict[str, str | bytes | None],
    expected: str,
) -> None:
    _import_sample(engine)
    bundle = make_bundle(**files)
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    lines = [str(problem) for problem in raised.value.problems]
    assert any(line.startswith(expected) for line in lines), lines


def test_line_of_a_multi_line_record_is_where_it_starts(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    # fb-025 spans lines 26-28; a bad date on the record after it is on line 29.
    feedback = _append("feedback.csv", "fb-026,,,2025-13-01,other,lead,,fine,")
    bundle = make_bundle(feedback_csv=feedback)
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert [str(p) for p in raised.value.problems] == [
        "feedback.csv:29: column date: expected a date YYYY-MM-DD, got '2025-13-01'"
    ]
    text = sample_text("feedback.csv").replace(
        "fb-025,pr-002,c-exec-2025,2025-04-03", "fb-025,pr-002,c-exec-2025,2025-04-31"
    )
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(feedback_csv=text))
    assert str(raised.value.problems[0]).startswith("feedback.csv:26: column date:")


def test_email_of_someone_already_in_the_database(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    _import_sample(engine)
    people = (
        "person_id,name,email,level,division,geography\n"
        "p100,New Person,MARGARET.OKAFOR@example.com,2,Technology,EMEA\n"
    )
    bundle = make_bundle(base=False, people_csv=people)
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert [str(p) for p in raised.value.problems] == [
        "people.csv:2: column email: email 'MARGARET.OKAFOR@example.com' already belongs to "
        "person 'p001' in the database"
    ]


def test_every_problem_is_reported_with_a_cap(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    rows = [f"ci-x{i},pr-001,2025-04-01,30,both,9,3,3,3,3" for i in range(300)]
    bundle = make_bundle(checkins_csv=_append("checkins.csv", *rows), flags_csv=b"")
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    error = raised.value
    assert error.total == 301
    lines = error.lines()
    assert len(lines) == 201
    assert lines[0] == "checkins.csv:45: column clarity: must be between 1 and 5, got 9"
    assert lines[199].startswith("checkins.csv:244: column clarity:")
    assert str(error.problems[-1]) == "flags.csv:1: file is empty, expected a header row"
    assert lines[-1] == "… and 101 more problems"


def test_warnings_are_kept_on_the_error(engine: Engine, make_bundle: Callable[..., Path]) -> None:
    people = "person_id,name,level,division,geography,shoe_size\np1,A,9,D,G,44\n"
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(base=False, people_csv=people))
    assert raised.value.warnings == ["people.csv:1: column shoe_size: unknown column; ignored"]


# --- The bundle's container ----------------------------------------------------


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _sample_entries(prefix: str = "") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in SAMPLE.glob("*.csv")}


@pytest.mark.parametrize("evil", ["../people.csv", "/tmp/people.csv", "a/../../x.csv", "C:/x.csv"])
def test_zip_slip_is_refused(engine: Engine, tmp_path: Path, evil: str) -> None:
    bundle = _zip(tmp_path / "evil.zip", {**_sample_entries(), evil: b"x"})
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert [str(p) for p in raised.value.problems] == [
        f"evil.zip: entry {evil!r} escapes the bundle folder"
    ]


def test_zip_bomb_is_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_reader, "MAX_TOTAL_BYTES", 1_000_000)
    entries = _sample_entries()
    entries["people.csv"] = entries["people.csv"] + b"\n" * 2_000_000  # compresses to ~2 KB
    bundle = _zip(tmp_path / "bomb.zip", entries)
    assert bundle.stat().st_size < 50_000
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert str(raised.value.problems[0]).startswith("bomb.zip: zip expands to")


def test_zip_member_bigger_than_the_file_cap_is_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_reader, "MAX_FILE_BYTES", 1_000)
    bundle = _zip(tmp_path / "big.zip", _sample_entries())
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert "people.csv expands to" in str(raised.value)


def test_path_that_is_neither_folder_nor_zip(engine: Engine, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with unchanged(engine), pytest.raises(BundleError) as raised:
        import_bundle(engine, text)
    assert str(raised.value.problems[0]) == (
        f"{text}: not a bundle: expected a folder or a .zip file"
    )
    with pytest.raises(BundleError, match="no such folder or file"):
        import_bundle(engine, tmp_path / "missing")


def test_corrupt_zip(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, broken)
    assert str(raised.value.problems[0]).startswith("broken.zip: not a readable zip file")


def test_zip_without_people(engine: Engine, tmp_path: Path) -> None:
    entries = _sample_entries()
    del entries["people.csv"]
    bundle = _zip(tmp_path / "nopeople.zip", entries)
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    assert [str(p) for p in raised.value.problems] == [
        "people.csv: file is missing: a bundle needs at least this file"
    ]


def test_database_error_while_writing_rolls_back_everything(
    engine: Engine, make_bundle: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after some files were written (here: forced) leaves no trace."""
    from tandem.program.bundle import importer

    real_write = importer._write

    def failing_write(connection, data, existing, progress):  # type: ignore[no-untyped-def]
        if data.spec.stem == "feedback":
            raise RuntimeError("disk full")
        return real_write(connection, data, existing, progress)

    monkeypatch.setattr(importer, "_write", failing_write)
    with unchanged(engine), pytest.raises(RuntimeError, match="disk full"):
        import_bundle(engine, SAMPLE)


def test_an_unreadable_file_does_not_also_flag_every_reference_to_it(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, make_bundle(cohorts_csv=b""))
    assert [str(p) for p in raised.value.problems] == [
        "cohorts.csv:1: file is empty, expected a header row"
    ]
