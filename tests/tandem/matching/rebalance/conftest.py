"""The small program most rebalancing tests start from."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.tandem.matching.rebalance.programs import PAIRINGS, PEOPLE, load


@pytest.fixture
def program(engine: Engine) -> Engine:
    load(engine, PEOPLE, PAIRINGS)
    return engine
