"""The demo's tables as column lists (``tandem.program.demo.tables``)."""

from __future__ import annotations

from tandem.program.demo.tables import Table


def test_a_table_is_as_long_as_its_columns_and_gives_rows_by_slice() -> None:
    table = Table("people", {"person_id": ["a", "b", "c"], "level": [1, 2, 3]})
    assert len(table) == 3
    assert table.rows(1, 3) == [{"person_id": "b", "level": 2}, {"person_id": "c", "level": 3}]
    assert table.rows(3, 10) == []
    assert len(Table("empty", {})) == 0
