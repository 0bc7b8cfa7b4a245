"""The nudge list, stored and live (tandem.health.nudges)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from tandem.health import nudge_list, refresh_health
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import Pairing
from tandem.program.rollups import HEALTH, invalidate, is_current
from tests.tandem.health.builder import TODAY


def test_nudge_list_is_the_no_contact_stalls(engine: Engine, program: set[str]) -> None:
    nudges = nudge_list(engine, TODAY)
    assert list(nudges["pairing_id"]) == ["gap", "day61", "never14"]
    first = nudges.iloc[0]
    assert first["mentor_name"] == "Mentor of gap"
    assert first["mentee_email"] == "mentee.gap@example.com"
    assert first["days_since_last_meeting"] == 74
    assert first["cadence_days"] == 30
    assert nudges.iloc[2]["last_meeting"] is None


def test_stored_nudge_list_equals_the_live_one(engine: Engine, program: set[str]) -> None:
    live = nudge_list(engine, TODAY)
    refresh_health(engine, today=TODAY)
    assert is_current(engine, HEALTH, as_of=TODAY)
    stored = nudge_list(engine, TODAY)
    pd.testing.assert_frame_equal(stored, live)
    assert list(stored["pairing_id"]) == ["gap", "day61", "never14"]
    only = nudge_list(engine, TODAY, where=Pairing.pairing_id.in_(["never14", "gap"]))
    assert list(only["pairing_id"]) == ["gap", "never14"]


def test_stored_nudge_list_reads_the_stored_verdicts(engine: Engine, program: set[str]) -> None:
    refresh_health(engine, today=TODAY)
    # The stored list only examines pairings the refresh found stalled ...
    with engine.begin() as connection:
        connection.execute(
            PairingHealth.__table__.update()
            .where(PairingHealth.pairing_id == "gap")
            .values(stalled=False)
        )
    assert "gap" not in set(nudge_list(engine, TODAY)["pairing_id"])
    # ... and only while that refresh is current for the day asked: another day,
    # or after an import, it computes live.
    assert "gap" in set(nudge_list(engine, TODAY + dt.timedelta(days=1))["pairing_id"])
    with engine.begin() as connection:
        invalidate(connection)
    assert list(nudge_list(engine, TODAY)["pairing_id"]) == ["gap", "day61", "never14"]


def test_empty_database(engine: Engine) -> None:
    assert nudge_list(engine, TODAY).empty
