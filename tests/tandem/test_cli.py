"""The command line's shared behaviour: help, database selection, clear failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tandem import migrate
from tandem.cli import build_parser, main
from tandem.db import get_engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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


def test_import_refreshes_what_pages_read(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from tandem import rollups
    from tandem.models import FeedbackAnalysis, Pairing, PairingHealth, PairingStats

    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "import", str(PROJECT_ROOT / "data/sample_bundle")]) == 0
    with engine.connect() as connection:
        pairings = connection.execute(select(func.count()).select_from(Pairing)).scalar_one()
        scored = connection.execute(select(func.count()).select_from(PairingHealth)).scalar_one()
        analysed = connection.execute(
            select(func.count()).select_from(FeedbackAnalysis)
        ).scalar_one()
        stored = connection.execute(select(func.count()).select_from(PairingStats)).scalar_one()
    assert pairings > 0 and scored == pairings
    assert analysed > 0
    assert stored == pairings and rollups.is_current(engine, rollups.PAIRING_STATS)
