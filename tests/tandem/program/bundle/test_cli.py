"""The ``import`` and ``export`` subcommands (run through their own parser)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tandem.cli import bundle_io

from .conftest import SAMPLE, unchanged


def _run(engine: Engine, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tandem")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in (bundle_io.IMPORT, bundle_io.EXPORT):
        command.add_to(subparsers)
    args = parser.parse_args(argv)
    args.database_url = engine.url.render_as_string(hide_password=False)
    return int(args.func(args))


def test_import_then_export(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(engine, "import", str(SAMPLE)) == 0
    captured = capsys.readouterr()
    assert "people.csv: 20 rows (20 new, 0 updated)" in captured.out
    assert "checking people.csv" in captured.err  # progress goes to stderr
    assert _run(engine, "export", str(tmp_path / "out.zip")) == 0
    assert "checkins.csv: 43 rows" in capsys.readouterr().out
    assert (tmp_path / "out.zip").is_file()


def test_failed_import_prints_every_problem_and_exits_1(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "bad"
    bundle.mkdir()
    (bundle / "people.csv").write_text(
        "person_id,name,level,division,geography,extra\na,Ann,0,Ops,EMEA,x\na,Ann again,3,Ops,,y\n",
        encoding="utf-8",
    )
    with unchanged(engine):
        assert _run(engine, "import", str(bundle)) == 1
    err = capsys.readouterr().err.splitlines()
    assert "warning: people.csv:1: column extra: unknown column; ignored" in err
    assert "people.csv:2: column level: must be between 1 and 8, got 0" in err
    assert "people.csv:3: column person_id: duplicate ID 'a' (first on line 2)" in err
    assert "people.csv:3: column geography: required value is missing" in err
    assert err[-1] == "import failed: 3 problems; nothing was written"


def test_dry_run_writes_nothing(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with unchanged(engine):
        assert _run(engine, "import", "--dry-run", str(SAMPLE)) == 0
    assert "would import" in capsys.readouterr().out


def test_missing_path_is_a_usage_error(engine: Engine, tmp_path: Path) -> None:
    assert _run(engine, "import", str(tmp_path / "nowhere")) == 2
