"""The bundle format as data agrees with the database and with itself."""

from __future__ import annotations

from tandem.program.bundle.spec import (
    BY_FILENAME,
    FILES,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    MILESTONES,
    PARTICIPANTS,
    PEOPLE,
    Column,
)


def test_every_column_has_a_database_column_of_its_files_table() -> None:
    for spec in FILES:
        names = set(spec.table.columns.keys())
        for column in spec.all_columns:
            assert column.db_name in names, (spec.filename, column.name)
        assert set(spec.key_columns) <= set(spec.by_name)


def test_files_reference_only_themselves_or_files_before_them() -> None:
    order = [spec.stem for spec in FILES]
    for position, spec in enumerate(FILES):
        for column in spec.all_columns:
            if column.ref is not None:
                assert order.index(column.ref) <= position, (spec.filename, column.name)
                assert column.kind == "id"


def test_only_people_is_required_and_names_are_lower_case_csv() -> None:
    assert [spec for spec in FILES if spec.required_file] == [PEOPLE]
    assert BY_FILENAME["people.csv"] is PEOPLE
    assert all(name == name.lower() and name.endswith(".csv") for name in BY_FILENAME)


def test_keys_and_lengths() -> None:
    assert MILESTONES.key_columns == ("milestone_id",)
    assert MILESTONES.columns[1].ref == "pairings" and MILESTONES.columns[1].required
    assert PARTICIPANTS.key_columns == ("cohort_id", "person_id")
    assert Column("x", "id").length_limit == MAX_ID_LENGTH
    assert Column("x", "text").length_limit == MAX_TEXT_LENGTH
    assert Column("x", "text", max_length=5).length_limit == 5
    assert Column("x", "text", db="y").db_name == "y"
