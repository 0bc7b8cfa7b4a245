"""Stored roll-ups are current until the data changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, insert, select

from tandem.program import rollups
from tandem.program.derived_tables import PairingStats
from tests.factories import small_program


def test_a_rollup_is_current_once_marked_and_forgotten_on_invalidate(engine: Engine) -> None:
    small_program(engine)
    day = dt.date(2026, 3, 1)
    assert not rollups.is_current(engine, rollups.PAIRING_STATS)
    with engine.begin() as connection:
        connection.execute(insert(PairingStats).values(pairing_id="x1", meetings=3))
        rollups.mark_current(connection, rollups.PAIRING_STATS, day)
        rollups.mark_current(connection, rollups.PAIRING_STATS, day)  # marking twice is fine
    assert rollups.is_current(engine, rollups.PAIRING_STATS)
    assert rollups.is_current(engine, rollups.PAIRING_STATS, day)
    assert not rollups.is_current(engine, rollups.PAIRING_STATS, day + dt.timedelta(days=1))
    assert not rollups.is_current(engine, rollups.HEALTH)
    with engine.begin() as connection:
        rollups.invalidate(connection)
    assert not rollups.is_current(engine, rollups.PAIRING_STATS)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(PairingStats)) == 0
