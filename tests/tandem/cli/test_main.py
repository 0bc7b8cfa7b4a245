"""The command line's shared behaviour: help, database selection, clear failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tandem.cli.main import build_parser, main
from tandem.program import migrate
from tandem.program.db import dispose_engine, get_engine
from tests.tandem.cli.helpers import PROJECT_ROOT, SAMPLE_BUNDLE, fails_cleanly


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tandem", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_command_has_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    names = set(subparsers.choices)  # type: ignore[arg-type]
    assert "migrate" in names
    for name in names:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0


def test_no_command_prints_usage_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_migrate_honours_database_url(db_url: str) -> None:
    result = run_cli("migrate", env={"DATABASE_URL": db_url})
    assert result.returncode == 0, result.stderr
    assert migrate.is_up_to_date(get_engine(db_url))
    again = run_cli("migrate", env={"DATABASE_URL": db_url})
    assert again.returncode == 0
    assert "already at" in again.stderr


def test_unreachable_database_is_one_clear_line() -> None:
    result = run_cli("--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none", "migrate")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot use the database (PostgreSQL none on")
    assert "Traceback" not in result.stderr


# --- Issue #19: no traceback on the command line ------------------------------


def test_a_corrupt_sqlite_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"person_id,name\n" * 500)
    url = f"sqlite:///{corrupt}"
    fails_cleanly(capsys, ["--database-url", url, "refresh"], 1, "file is not a database")


def test_a_truncated_sqlite_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / "whole.db"
    assert main(["--database-url", f"sqlite:///{whole}", "migrate"]) == 0
    assert (
        main(["--database-url", f"sqlite:///{whole}", "import", str(SAMPLE_BUNDLE), "--no-refresh"])
        == 0
    )
    dispose_engine(f"sqlite:///{whole}")
    truncated = tmp_path / "truncated.db"
    data = whole.read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    capsys.readouterr()
    url = f"sqlite:///{truncated}"
    assert main(["--database-url", url, "export", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot use the database (SQLite file"), err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("notaurl", "'notaurl' is not a database URL"),
        ("mysql://user:secret@host/db", "not mysql+mysqldb"),
        ("postgresql+psycopg2://user@host/db", "not postgresql+psycopg2"),
    ],
)
def test_an_unusable_database_url_is_one_line(
    url: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = fails_cleanly(capsys, ["--database-url", url, "migrate"], 2, message)
    assert "secret" not in err  # a password is never printed


def test_an_unusable_database_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://")
    fails_cleanly(capsys, ["refresh"], 2, "Tandem runs on SQLite and on PostgreSQL")


def test_a_mistyped_sqlite_path_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "no-such-folder"
    url = f"sqlite:///{folder / 'tandem.db'}"
    fails_cleanly(capsys, ["--database-url", url, "migrate"], 2, f"no folder {folder}")
    assert not folder.exists()
    typo = tmp_path / "tandme.db"
    fails_cleanly(
        capsys, ["--database-url", f"sqlite:///{typo}", "refresh"], 2, f"no SQLite file {typo}"
    )
    assert not typo.exists()
    # migrate is how a new SQLite file is made on purpose.
    assert main(["--database-url", f"sqlite:///{typo}", "migrate"]) == 0
    assert typo.is_file()
