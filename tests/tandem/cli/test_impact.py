"""``python -m tandem impact``: the Impact page's estimate on the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from tandem.cli.main import main
from tests.impact_program import career_program


def test_impact_json_and_table(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    career_program(engine)
    url = engine.url.render_as_string(hide_password=False)
    args = ["--database-url", url, "impact", "--cohort", "c-a", "--today", "2026-06-01"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cohort"] == "Leaders 2024" and report["months"] == 12
    assert report["as_of"] <= "2026-06-01"
    assert {(r["outcome"], r["group"]) for r in report["results"]} == {
        (outcome, group)
        for outcome in ("promotion", "retention")
        for group in ("mentees", "mentors")
    }
    promotion = next(
        e for e in report["results"] if (e["group"], e["outcome"]) == ("mentees", "promotion")
    )
    assert promotion["participants"] == 15 and promotion["cohort_id"] == "c-a"
    assert promotion["ci_low"] <= promotion["adjusted_difference"] <= promotion["ci_high"]
    assert promotion["suppressed"] is False and "matching" in promotion["method"]
    assert promotion["verdict"].startswith("Mentees were promoted more often")
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "Impact for Leaders 2024" in table and "naive" in table and "adjusted" in table
    assert "e001" not in table


def test_impact_refuses_bad_input(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    career_program(engine, events=False)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "impact", "--months", "1"]) == 2
    assert main(["--database-url", url, "impact", "--cohort", "nope"]) == 1
    assert "no cohort" in capsys.readouterr().err
    assert main(["--database-url", url, "impact"]) == 0
    assert "No career events" in capsys.readouterr().out
