"""``python -m tandem migrate`` (``tandem.cli.migrate``): an empty database brought to head,
``--revision`` to an earlier one and on, a second run that changes nothing, and what each
run says on stderr.

(That the command honours ``DATABASE_URL`` and fails in one line on an unusable database
is tested with the other commands in ``test_main.py``.)
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect

from tandem.cli.main import main
from tandem.program import migrate
from tandem.program.db import describe_url, get_engine

#: A revision before ``career_events`` (0008) and ``participants`` (0010) existed.
EARLIER = "0007"


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_an_empty_database_is_migrated_to_head_and_a_second_run_changes_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = get_engine(db_url)
    head = migrate.head_revision()
    assert head is not None and migrate.current_revision(engine) is None
    where = describe_url(db_url)

    assert main(["--database-url", db_url, "migrate"]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"{where}: schema migrated (empty) → {head}\n"
    assert captured.out == ""
    assert migrate.current_revision(engine) == head
    assert {"people", "pairings", "career_events", "participants", "settings"} <= _tables(engine)

    assert main(["--database-url", db_url, "migrate"]) == 0
    assert capsys.readouterr().err == f"{where}: schema already at {head}\n"
    assert migrate.current_revision(engine) == head


def test_revision_stops_at_an_earlier_revision_and_a_later_run_goes_on_to_head(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = get_engine(db_url)
    head = migrate.head_revision()
    where = describe_url(db_url)

    assert main(["--database-url", db_url, "migrate", "--revision", EARLIER]) == 0
    assert capsys.readouterr().err == f"{where}: schema migrated (empty) → {EARLIER}\n"
    assert migrate.current_revision(engine) == EARLIER
    assert not migrate.is_up_to_date(engine)
    tables = _tables(engine)
    assert "pairings" in tables
    assert "career_events" not in tables and "participants" not in tables

    assert main(["--database-url", db_url, "migrate"]) == 0
    assert capsys.readouterr().err == f"{where}: schema migrated {EARLIER} → {head}\n"
    assert migrate.is_up_to_date(engine)
    assert {"career_events", "participants"} <= _tables(engine)

    # An earlier revision is never a way down: the schema stays at head.
    assert main(["--database-url", db_url, "migrate", "--revision", EARLIER]) == 0
    assert capsys.readouterr().err == f"{where}: schema already at {head}\n"
    assert migrate.current_revision(engine) == head
    assert "career_events" in _tables(engine)


def test_an_unknown_revision_is_one_line_and_migrates_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = get_engine(db_url)
    assert main(["--database-url", db_url, "migrate", "--revision", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: migrate failed: "), err
    assert "Can't locate revision identified by 'nope'" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert migrate.current_revision(engine) is None
    assert "pairings" not in _tables(engine)
