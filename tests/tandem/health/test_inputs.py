"""The formula's inputs: grouped SQL, and columns as numpy (tandem.health.inputs)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tandem.health.inputs import as_days, cadences, checkin_counts, checkin_ends
from tandem.health.settings import DEFAULT_HEALTH_SETTINGS
from tandem.program.models import DEFAULT_CADENCE_DAYS
from tests.tandem.health.builder import TODAY, ago


def test_dates_and_cadences_as_numbers() -> None:
    days = as_days(pd.Series([dt.date(1970, 1, 11), None, float("nan")]))
    assert days[0] == 10 and math.isnan(days[1]) and math.isnan(days[2])
    cadence = cadences(pd.Series([14, None, 0, -3]))
    assert list(cadence) == [14, DEFAULT_CADENCE_DAYS, DEFAULT_CADENCE_DAYS, DEFAULT_CADENCE_DAYS]


def test_checkin_counts_stop_at_today(engine: Engine, program: set[str]) -> None:
    counts = checkin_counts(engine, TODAY, ["gap"]).set_index("pairing_id")
    assert counts.loc["gap", "checkins"] == 4
    assert counts.loc["gap", "last_checkin"] == ago(74)
    earlier = checkin_counts(engine, dt.date(2025, 2, 15), ["gap"]).set_index("pairing_id")
    assert earlier.loc["gap", "checkins"] == 2


def test_checkin_ends_first_and_latest_ratings(engine: Engine, program: set[str]) -> None:
    ends = checkin_ends(engine, TODAY, DEFAULT_HEALTH_SETTINGS, ["falling", "onesided"])
    rows = ends.set_index("pairing_id")
    # falling rated 5, 5, 4, 4, 4, 3: four ratings per check-in.
    assert rows.loc["falling", "first2_sum"] == 4 * (5 + 5)
    assert rows.loc["falling", "latest2_sum"] == 4 * (4 + 3)
    assert rows.loc["falling", "first2_n"] == rows.loc["falling", "latest2_n"] == 8
    # onesided: both, mentee, mentor, mentor, mentor — the last three by the mentor.
    assert rows.loc["onesided", "streak_mentor"] == 3
    assert rows.loc["onesided", "streak_mentee"] == 0
    assert np.isclose(rows.loc["onesided", "recent_both"], 1)
