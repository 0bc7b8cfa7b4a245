"""Issue #19: a database filled before imports checked ranges still plans and refreshes.

SQLite stores whatever integer it is given; a ``max_mentees`` of 3,000,000,000
imported by an older version made every later refresh and ``rebalance`` fail
(int32 overflow).  PostgreSQL's integer column never held such a value.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from tandem.cli.main import main
from tandem.program.bundle import import_bundle
from tandem.refresh import refresh_all
from tests.tandem.program.bundle.conftest import SAMPLE


@pytest.mark.parametrize("stored", ["3000000000", "1e23", "-5"])
def test_an_out_of_range_capacity_already_stored_is_read_within_range(
    engine: Engine, stored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's integer column cannot hold the value in the first place")
    import_bundle(engine, SAMPLE)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE people SET max_mentees = {stored} WHERE person_id = 'p002'"
        )
    refresh_all(engine)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "rebalance", "--json", "--explain"]) == 0
    plan = json.loads(capsys.readouterr().out)
    # Open slots are what the capacity (clipped to 0-100) leaves over the current load.
    assert 0 <= plan["capacity"].get("p002", 0) <= 100
