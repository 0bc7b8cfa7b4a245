"""The hand-built program of tests.tandem.health.builder as a fixture."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.tandem.health.builder import build_program


@pytest.fixture
def program(engine: Engine) -> set[str]:
    """The program written to the database; the ids of the pairings that are stalled."""
    p, stalled = build_program()
    p.write(engine)
    return stalled
