"""The data version: the same across reads, new after any commit from anywhere (both backends)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text

from tandem.program import data_version as dv
from tandem.program.data_version import data_version, local_commits
from tandem.program.db import dispose_engine, get_engine, is_sqlite
from tandem.program.models import Person
from tandem.program.schema import metadata

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _add_person(engine: Engine, person_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (person_id, name, level, division, geography, max_mentees) "
                "VALUES (:id, 'Someone', 3, 'Risk', 'London', 2)"
            ),
            {"id": person_id},
        )


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Person)).scalar_one())


def unchanged_by(engine: Engine, action: Callable[[], object], attempts: int = 50) -> bool:
    """Whether the version stays the same across ``action``.

    On PostgreSQL a write anywhere on the server (another test session's
    database too) moves it, so a quiet moment is looked for: an action that
    moved the version itself would never find one.
    """
    for _ in range(attempts):
        before = data_version(engine)
        action()
        if data_version(engine) == before:
            return True
    return False


def _reads(engine: Engine) -> None:
    _count(engine)
    with engine.begin() as connection:  # a committed transaction that only read
        connection.execute(select(Person.person_id)).all()


def test_reads_leave_the_version_alone(engine: Engine) -> None:
    assert unchanged_by(engine, lambda: _reads(engine))
    if is_sqlite(engine):
        version = data_version(engine)
        _reads(engine)
        assert data_version(engine) == version == data_version(engine)


def test_a_commit_through_another_engine_changes_it(engine: Engine, db_url: str) -> None:
    before = data_version(engine)
    other = create_engine(db_url)  # not the shared engine: another pool, other connections
    try:
        _add_person(other, "elsewhere")
    finally:
        other.dispose()
    assert data_version(engine) != before


def test_a_commit_through_the_same_engine_changes_it(engine: Engine) -> None:
    before = data_version(engine)
    _add_person(engine, "here")
    assert data_version(engine) != before


def test_a_rolled_back_write_serves_nothing_new(engine: Engine) -> None:
    # PostgreSQL may move on (the aborted transaction completed); what matters is that
    # a version read afterwards is stable and the data is what it was.
    with engine.connect() as connection:
        connection.execute(
            text(
                "INSERT INTO people (person_id, name, level, division, geography, max_mentees) "
                "VALUES ('ghost', 'Ghost', 3, 'Risk', 'London', 2)"
            )
        )
        connection.rollback()
    assert unchanged_by(engine, lambda: _count(engine))
    assert _count(engine) == 0


def test_a_commit_from_another_process_changes_it(engine: Engine, db_url: str) -> None:
    before = data_version(engine)
    script = (
        "import sys\n"
        "from sqlalchemy import create_engine, text\n"
        "engine = create_engine(sys.argv[1])\n"
        "with engine.begin() as c:\n"
        '    c.execute(text("INSERT INTO people (person_id, name, level, division, geography, '
        "max_mentees) VALUES ('far', 'Far', 3, 'Risk', 'Paris', 2)\"))\n"
    )
    subprocess.run([sys.executable, "-c", script, db_url], check=True, timeout=60)
    assert data_version(engine) != before
    assert _count(engine) == 1


def test_the_command_line_is_seen(engine: Engine, db_url: str) -> None:
    from tandem.program import migrate

    metadata.drop_all(engine)
    migrate.upgrade(engine)
    before = data_version(engine)
    subprocess.run(
        [sys.executable, "-m", "tandem", "users", "add", "ann@example.org", "--role", "admin"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert data_version(engine) != before


def test_a_sqlite_file_built_again_is_a_new_version(tmp_path: Path) -> None:
    path = tmp_path / "tandem.db"
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    metadata.create_all(engine)
    _add_person(engine, "old")
    before = data_version(engine)
    spare = tmp_path / "spare.db"
    spare_engine = create_engine(f"sqlite:///{spare}")
    metadata.create_all(spare_engine)
    spare_engine.dispose()
    with engine.connect() as connection:  # the old file's WAL, checkpointed away
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _count(engine) == 1  # a pooled connection holds the old file open
    os.replace(spare, path)
    rebuilt = data_version(engine)
    assert rebuilt != before
    assert _count(engine) == 0  # the engine reads the new file now
    _add_person(engine, "new")
    assert data_version(engine) not in (before, rebuilt)
    dispose_engine(url)


def test_a_missing_sqlite_file_is_never_cached(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    assert data_version(engine) == data_version(engine)
    shutil.move(path, tmp_path / "elsewhere.db")
    assert data_version(engine) != data_version(engine)
    assert not path.exists()  # the version connection never creates the file
    dv.forget(engine)


def test_in_memory_sqlite_is_never_cached() -> None:
    engine = create_engine("sqlite://")
    assert data_version(engine) != data_version(engine)


def test_local_commits_move_before_a_commit_lands(engine: Engine) -> None:
    before = local_commits()
    _add_person(engine, "counted")
    assert local_commits() > before
    seen = local_commits()
    _count(engine)  # a read that ends in a rollback is not a commit
    assert local_commits() == seen
