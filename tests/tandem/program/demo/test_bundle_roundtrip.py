"""The demo is a valid bundle: it exports and imports back cleanly, row for row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from tandem.program import db as tandem_db
from tandem.program.bundle import export_bundle, import_bundle
from tandem.program.demo import generate_demo
from tandem.program.schema import metadata
from tests.tandem.program.demo.helpers import TODAY, dump


def test_export_then_import_into_an_empty_database_reproduces_the_demo(
    engine: Engine, tmp_path: Path
) -> None:
    generate_demo(engine, pairings=80, seed=5, today=TODAY)
    original = dump(engine)
    export_bundle(engine, tmp_path / "bundle")
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    copy = tandem_db.get_engine(url)
    metadata.create_all(copy)
    try:
        import_bundle(copy, tmp_path / "bundle", actor="test")
        restored = dump(copy)
    finally:
        tandem_db.dispose_engine(url)
    assert len(restored["pairings"]) == 80
    for name, rows in original.items():
        assert restored[name] == rows, f"{name} changed in the round trip"


def test_reimporting_the_exported_demo_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    generate_demo(engine, pairings=60, seed=5, today=TODAY)
    before = dump(engine)
    export_bundle(engine, tmp_path / "demo.zip")
    import_bundle(engine, tmp_path / "demo.zip", actor="test")
    after = dump(engine)
    # Re-import is an upsert by ID: nothing duplicated, every value the same
    # (only the optimistic-concurrency ``version`` counter moves on).
    for name, rows in before.items():
        assert _without_version(after[name]) == _without_version(rows), name


def _without_version(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "version"} for row in rows]
