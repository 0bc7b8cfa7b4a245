"""A small program for the matching tests that read the database: a reporting line, two
mentors (one full), and closed and open pairings."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tandem.program.bulk import upsert
from tests.tandem.matching.rows import TABLES, pairing, person


@pytest.fixture
def small(engine: Engine) -> Engine:
    with engine.begin() as connection:
        upsert(
            connection,
            TABLES["people"],
            [
                person("boss", 6),
                person("lead", 4, manager_id="boss"),
                person("ic", 2, manager_id="lead", development_goals="strategy"),
                person("m1", 5, division="Risk", strengths="Strategy", max_mentees=2),
                person("m2", 5, max_mentees=1),
            ],
        )
        upsert(
            connection,
            TABLES["pairings"],
            [
                pairing("a", "m1", "lead"),
                pairing("b", "m1", "boss", status="paused"),
                pairing("c", "m2", "boss", status="proposed"),
                pairing("d", "m2", "ic", status="completed"),
                pairing("e", "m1", "ic", status="ended"),
            ],
        )
    return engine
