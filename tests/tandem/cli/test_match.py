"""``python -m tandem match`` (``tandem.cli.match``): JSON, --explain and --approve."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from tandem.cli.main import main
from tandem.program.models import AuditEntry
from tests.tandem.matching.pilot import load_pilot


def test_command_line_json_explain_and_approve(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_pilot(engine)
    assert (
        main(["--database-url", db_url, "match", "--cohort", "pilot", "--json", "--explain"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {
        "proposals",
        "candidates",
        "capacity",
        "total_score",
        "minimum_score",
        "unmatched",
    }
    assert out["proposals"][0].keys() == {"mentee_id", "mentor_id", "score"}
    assert out["unmatched"][0].keys() == {"person_id", "reason"}
    assert out["total_score"] == out["proposals"][0]["score"]
    assert main(["--database-url", db_url, "match", "--cohort", "pilot", "--approve"]) == 0
    with engine.connect() as connection:
        actors = connection.execute(
            select(AuditEntry.actor).where(AuditEntry.action == "match.approve")
        ).all()
    assert actors == [("cli",)]
    assert main(["--database-url", db_url, "match", "--cohort", "nope"]) == 1
    assert "no cohort" in capsys.readouterr().err
