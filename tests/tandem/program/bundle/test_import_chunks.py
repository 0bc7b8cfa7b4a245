"""Streaming import: chunk boundaries change nothing, re-imports keep versions of unchanged rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tandem.access import EVERYTHING
from tandem.program.bundle import BundleError, import_bundle, records
from tandem.program.models import Flag, Pairing

from .conftest import SAMPLE, dump, sample_text, unchanged


def _versions(engine: Engine, model: type) -> dict[str, int]:
    table = model.__table__  # type: ignore[attr-defined]
    key = next(iter(table.primary_key.columns))
    with engine.connect() as connection:
        return {k: v for k, v in connection.execute(select(key, table.c.version))}


def test_reimporting_an_unchanged_bundle_keeps_every_version(engine: Engine) -> None:
    import_bundle(engine, SAMPLE)
    pairings, flags = _versions(engine, Pairing), _versions(engine, Flag)
    before = dump(engine, skip=("audit_log", "rollup_state"))
    report = import_bundle(engine, SAMPLE)
    assert all(
        (count.inserted, count.updated, count.unchanged) == (0, 0, count.rows)
        for count in report.files.values()
    ), report.summary()
    assert _versions(engine, Pairing) == pairings
    assert _versions(engine, Flag) == flags
    assert set(pairings.values()) == {1} and set(flags.values()) == {1}
    assert dump(engine, skip=("audit_log", "rollup_state")) == before


def test_only_changed_rows_get_a_new_version(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    pairings = sample_text("pairings.csv").replace(
        "Prepare to run the people-analytics function", "Run the people-analytics function"
    )
    flags = sample_text("flags.csv").replace(
        "Mentor is the mentee's line manager", "Mentor manages the mentee"
    )
    report = import_bundle(engine, make_bundle(pairings_csv=pairings, flags_csv=flags))
    # Every row was given, one changed: only that one is "updated".
    assert (report.files["pairings.csv"].updated, report.files["pairings.csv"].unchanged) == (1, 10)
    assert (report.files["flags.csv"].updated, report.files["flags.csv"].unchanged) == (1, 3)
    changed = {k for k, v in _versions(engine, Pairing).items() if v != 1}
    assert changed == {"pr-004"}
    assert _versions(engine, Pairing)["pr-004"] == 2
    assert {k: v for k, v in _versions(engine, Flag).items() if v != 1} == {"fl-004": 2}
    # The same bundle again: nothing changes, nothing is bumped.
    import_bundle(engine, make_bundle(pairings_csv=pairings, flags_csv=flags))
    assert _versions(engine, Pairing)["pr-004"] == 2
    assert _versions(engine, Flag)["fl-004"] == 2


def test_an_edit_started_before_reimporting_the_same_bundle_still_saves(engine: Engine) -> None:
    from tandem.health import update_flag

    import_bundle(engine, SAMPLE)
    version = _versions(engine, Flag)["fl-001"]
    import_bundle(engine, SAMPLE)  # a nightly re-import of the unchanged HR export
    update_flag(
        engine, EVERYTHING, "fl-001", expected_version=version, actor="lead", status="in_progress"
    )
    assert _versions(engine, Flag)["fl-001"] == version + 1


def test_tiny_chunks_store_exactly_what_one_chunk_stores(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "CHUNK_ROWS", 2)
    report = import_bundle(engine, SAMPLE)
    assert report.rows["checkins.csv"] == 43
    stored = dump(engine, skip=("audit_log", "rollup_state"))
    monkeypatch.setattr(records, "CHUNK_ROWS", 50_000)
    again = import_bundle(engine, SAMPLE)
    # One chunk finds every row already there and unchanged.
    assert again.files["checkins.csv"].inserted == 0
    assert dump(engine, skip=("audit_log", "rollup_state")) == stored


def _problems(engine: Engine, bundle: Path) -> list[str]:
    with pytest.raises(BundleError) as raised:
        import_bundle(engine, bundle)
    return [str(p) for p in raised.value.problems]


def test_problems_across_chunk_boundaries_are_the_same_whatever_the_chunk_size(
    engine: Engine, make_bundle: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = (
        "person_id,name,email,level,division,geography,manager_id\n"
        "a,Ann,ann@x.example,1,Ops,EMEA,c\n"  # manager further down the file
        "b,Bo,BO@x.example,3,Ops,EMEA,zz\n"  # unknown manager
        "c,Cy,,9,Ops,EMEA,\n"  # level out of range
        "a,Ann again,,1,Ops,EMEA,\n"  # duplicate ID three chunks later
        "d,Di,bo@x.example,2,Ops,EMEA,a\n"  # email already used (case-insensitive)
        'e,"Ed\nwith a line break",,2,Ops,EMEA,\n'  # a record over two lines
        "f,Fay,,x,Ops,EMEA,\n"  # not a number, on line 9
    )
    pairings = (
        "pairing_id,mentor_id,mentee_id,status,start_date,ended_date\n"
        "p1,a,b,active,2025-01-01,\n"
        "p2,c,c,active,2025-01-01,\n"
        "p3,a,nobody,active,2025-02-01,2025-01-01\n"
    )
    bundle = make_bundle(base=False, people_csv=people, pairings_csv=pairings)
    expected = [
        "people.csv:3: column manager_id: unknown ID 'zz': not in people.csv nor in the database",
        "people.csv:4: column level: must be between 1 and 8, got 9",
        "people.csv:5: column person_id: duplicate ID 'a' (first on line 2)",
        "people.csv:6: column email: email 'bo@x.example' is already used on line 3",
        "people.csv:9: column level: expected a whole number, got 'x'",
        "pairings.csv:3: column mentee_id: a person cannot be paired with themself "
        "(mentor_id and mentee_id are both 'c')",
        "pairings.csv:4: column ended_date: 2025-01-01 is before start_date 2025-02-01",
        "pairings.csv:4: column mentee_id: unknown ID 'nobody': not in people.csv nor in the "
        "database",
    ]
    with unchanged(engine):
        assert _problems(engine, bundle) == expected
    for size in (1, 2, 3):
        monkeypatch.setattr(records, "CHUNK_ROWS", size)
        with unchanged(engine):
            assert _problems(engine, bundle) == expected


def test_a_file_malformed_after_its_first_chunk_reports_only_that_and_writes_nothing(
    engine: Engine, make_bundle: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "CHUNK_ROWS", 2)
    people = (
        "person_id,name,level,division,geography\n"
        "a,Ann,1,Ops,EMEA\n"
        "b,Bo,99,Ops,EMEA\n"  # a cell problem in a chunk that was read fine
        "c,Cy,1,Ops,EMEA\n"
        'd,"Di"x,1,Ops,EMEA\n'  # malformed quoting in the third chunk
    )
    with unchanged(engine):
        problems = _problems(engine, make_bundle(base=False, people_csv=people))
    assert problems == ["people.csv:5: malformed CSV: ',' expected after '\"'"]


def test_an_encoding_error_in_a_later_chunk_is_the_only_problem_of_its_file(
    engine: Engine, make_bundle: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "CHUNK_ROWS", 1)
    people = b"person_id,name,level,division,geography\na,Ann,1,Ops,EMEA\nb,Bo,99,Ops,EMEA\n"
    people += b"c,Jos\xe9,1,Ops,EMEA\n"
    with unchanged(engine):
        problems = _problems(engine, make_bundle(base=False, people_csv=people))
    assert problems == [
        "people.csv:4: file is not UTF-8 (byte 0xE9 cannot be decoded); "
        "save it as UTF-8 (in Excel: CSV UTF-8)"
    ]


def test_a_changed_reporting_line_alone_counts_as_updated(
    engine: Engine, make_bundle: Callable[..., Path]
) -> None:
    import_bundle(engine, SAMPLE)
    lines = sample_text("people.csv").splitlines()
    header = lines[0].split(",")
    cells = lines[8].split(",")  # line 9: an unquoted row with a manager
    assert cells[header.index("manager_id")] not in ("", "p001")
    cells[header.index("manager_id")] = "p001"
    lines[8] = ",".join(cells)
    report = import_bundle(engine, make_bundle(people_csv="\n".join(lines) + "\n"))
    people = report.files["people.csv"]
    assert (people.inserted, people.updated, people.unchanged) == (0, 1, 19)
