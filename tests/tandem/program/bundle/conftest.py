"""Helpers for the bundle tests: the sample bundle, bundle builders, database dumps."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tandem.program.db import is_sqlite
from tandem.program.schema import metadata

SAMPLE = Path(__file__).resolve().parents[4] / "data" / "sample_bundle"


def sample_text(name: str) -> str:
    return (SAMPLE / name).read_text(encoding="utf-8")


# When a row was written, not what it says: differs between two loads of the same data.
WRITE_STAMPS = {("feedback", "updated_at")}


def dump(engine: Engine, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: a database's full content.

    Write stamps (``WRITE_STAMPS``) are left out.
    """
    content: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            columns = [c for c in table.columns if (table.name, c.name) not in WRITE_STAMPS]
            rows = connection.execute(select(*columns).order_by(*order)).all()
            content[table.name] = [tuple(row) for row in rows]
    return content


def sqlite_bytes(engine: Engine) -> bytes | None:
    if not is_sqlite(engine):
        return None
    engine.dispose()  # checkpoint the WAL so the main file holds everything
    database = engine.url.database
    assert database is not None
    return Path(database).read_bytes()


@contextmanager
def unchanged(engine: Engine) -> Iterator[None]:
    """Assert the database is exactly as before the block (rows, and SQLite file bytes)."""
    rows_before = dump(engine)
    bytes_before = sqlite_bytes(engine)
    yield
    assert dump(engine) == rows_before
    assert sqlite_bytes(engine) == bytes_before


@pytest.fixture
def make_bundle(tmp_path: Path) -> Callable[..., Path]:
    """Copy the sample bundle to a new folder with some files replaced or removed.

    ``make_bundle(people_csv="...", flags_csv=None)``: text (str) or bytes
    replaces a file, None removes it; ``base=False`` starts from an empty folder.
    """
    counter = iter(range(1_000))

    def build(*, base: bool = True, **files: str | bytes | None) -> Path:
        folder = tmp_path / f"bundle{next(counter)}"
        if base:
            shutil.copytree(SAMPLE, folder)
        else:
            folder.mkdir()
        for key, content in files.items():
            target = folder / key.replace("_csv", ".csv")
            if content is None:
                target.unlink(missing_ok=True)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", newline="")
        return folder

    return build
