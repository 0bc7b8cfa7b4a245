"""The generator's status codes name the statuses of the schema, in its order."""

from __future__ import annotations

from tandem.program.demo import codes
from tandem.program.models import PAIRING_STATUSES


def test_each_code_indexes_its_status() -> None:
    named = {
        "proposed": codes.PROPOSED,
        "active": codes.ACTIVE,
        "paused": codes.PAUSED,
        "completed": codes.COMPLETED,
        "ended": codes.ENDED,
    }
    assert {PAIRING_STATUSES[code]: code for code in named.values()} == named
