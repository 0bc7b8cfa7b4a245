"""``python -m tandem rebalance`` (``tandem.cli.rebalance``): JSON whose candidates re-solve
to its total, --explain, and the table with rotation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from tandem.cli.main import main
from tandem.cli.rebalance import _clip
from tests.tandem.matching.rebalance.programs import PAIRINGS, PEOPLE, load, milp_total


@pytest.fixture
def program(engine: Engine) -> Engine:
    load(engine, PEOPLE, PAIRINGS)
    return engine


def test_command_json_and_explain_re_solve_to_the_total(
    program: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = program.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "rebalance", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert set(plain) == {"suggestions", "total_score"}
    assert plain["suggestions"]
    for s in plain["suggestions"]:
        assert set(s) == {
            "pairing_id",
            "mentee_id",
            "current_mentor_id",
            "suggested_mentor_id",
            "current_score",
            "suggested_score",
            "components",
            "reasons",
        }
        assert set(s["components"]) == {"current", "suggested"}
        assert set(s["components"]["suggested"]) == {
            "skills",
            "diversity",
            "breadth",
            "level",
            "availability",
        }

    assert main(["--database-url", url, "rebalance", "--json", "--explain"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert set(explained) == {"suggestions", "total_score", "candidates", "capacity"}
    assert explained["total_score"] == plain["total_score"]
    assert milp_total(explained["candidates"], explained["capacity"]) == pytest.approx(
        explained["total_score"], abs=1e-6
    )
    # staying is among the options of every pairing that may stay
    options = {(c["pairing_id"], c["mentor_id"]) for c in explained["candidates"]}
    assert all((f"b{i}", "busy") in options for i in range(1, 5))
    assert not any(p == "line" and m == "ceo" for p, m in options)

    assert main(["--database-url", url, "rebalance", "--explain", "--rotation"]) == 0
    table = capsys.readouterr().out
    assert "line" in table and "→" in table and "runner-up" in table


def test_long_reasons_are_clipped_to_the_terminal() -> None:
    assert _clip("short") == "short"
    clipped = _clip("x" * 100)
    assert len(clipped) == 72 and clipped.endswith("…")
