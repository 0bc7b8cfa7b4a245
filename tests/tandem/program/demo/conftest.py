"""The ``demo`` fixture: a 200-pairing demo program, written and read back on each backend."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tandem.program.demo import DemoSummary, generate_demo
from tests.tandem.program.demo.helpers import TODAY, dump

Rows = dict[str, list[dict[str, Any]]]
# The demo is deterministic, so it is written once per backend and the rows
# read back are shared by the read-only story and invariant tests.
_WRITTEN: dict[str, tuple[DemoSummary, Rows]] = {}


@pytest.fixture
def demo(engine: Engine) -> tuple[DemoSummary, Rows]:
    """A 200-pairing demo told from TODAY, as written to and read back from ``engine``'s backend."""
    backend = engine.dialect.name
    if backend not in _WRITTEN:
        summary = generate_demo(engine, pairings=200, seed=7, today=TODAY)
        _WRITTEN[backend] = (summary, dump(engine))
    return _WRITTEN[backend]
