"""The refreshes' derived tables: a pairing's results go with the pairing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, func, insert, select

from tandem.program.derived_tables import PairingHealth, PairingHealthHistory, PairingStats
from tandem.program.models import Pairing
from tests.factories import small_program


def test_a_pairings_health_stats_and_history_are_deleted_with_it(engine: Engine) -> None:
    small_program(engine)
    day = dt.date(2026, 3, 31)
    with engine.begin() as connection:
        connection.execute(insert(PairingHealth).values(pairing_id="x1", health=0.7, as_of=day))
        connection.execute(insert(PairingStats).values(pairing_id="x1"))
        connection.execute(insert(PairingHealthHistory).values(pairing_id="x1", month_end=day))
    with engine.connect() as connection:
        stats = connection.execute(select(PairingStats)).one()
        assert (stats.meetings, stats.rated_meetings) == (0, 0)  # the defaults of no check-ins
        health = connection.execute(select(PairingHealth)).one()
        assert (health.stalled, health.at_risk, health.reasons) == (False, False, "")
    with engine.begin() as connection:
        connection.execute(delete(Pairing).where(Pairing.pairing_id == "x1"))
        for model in (PairingHealth, PairingStats, PairingHealthHistory):
            assert connection.scalar(select(func.count()).select_from(model)) == 0
