"""Who is a participant, who a comparable colleague, and what the report lets out."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from tandem.access import EVERYTHING, OutOfScope, Scope
from tandem.impact import impact_report, impact_units
from tandem.impact.query import NEVER, busy_within, tenure_band
from tandem.program.bulk import upsert
from tandem.program.models import CareerEvent, Person
from tests.factories import person
from tests.impact_program import AS_OF, COHORT_A, _event, career_program


def test_participants_and_colleagues_of_a_cohort(engine: Engine) -> None:
    career_program(engine)
    units = impact_units(engine, EVERYTHING, cohort_id="c-a", months=12, as_of=AS_OF)
    mentees = units[units["group"] == "mentees"]
    assert sorted(mentees["person_id"]) == [f"e{i:03d}" for i in range(1, 16)]
    mentors = units[units["group"] == "mentors"]["person_id"]
    assert sorted(mentors) == [f"e{i:03d}" for i in range(16, 31)]
    assert set(units["index_date"]) == {pd.Timestamp(COHORT_A)}
    colleagues = set(units[units["arm"] == "comparison"]["person_id"])
    # Not c-a's own people; but those who join later (c-b, ten months on, and the
    # pairing without a cohort, two months on) had taken no part at the date.
    for taken in ("e001", "e015", "e016", "e030"):
        assert taken not in colleagues
    assert {"e032", "e040", "e045", "e052"} <= colleagues  # (those employed at the date)
    assert len(colleagues) > 100


def test_covariates_are_those_before_the_index_date(engine: Engine) -> None:
    career_program(engine)
    people = [
        person("z1", "Promoted later", 5, division="Risk", tenure_years=None),
        person("z2", "Gone before", 3, tenure_years=9.0),
        person("z3", "No events", 4, tenure_years=12.0),
    ]
    events = [
        _event("z1-h", "z1", dt.date(2020, 1, 1), "hired"),
        _event("z1-p", "z1", dt.date(2025, 12, 1), "promoted", new_level=5),
        _event("z2-l", "z2", dt.date(2023, 6, 1), "left", voluntary=False),
    ]
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, CareerEvent.__table__, events)  # type: ignore[arg-type]
    units = impact_units(engine, EVERYTHING, cohort_id="c-a", months=12, as_of=AS_OF)
    by_id = units.set_index("person_id")
    assert by_id.loc["z1", "level"] == 4  # one below the promotion that came after
    assert by_id.loc["z1", "promoted_at"] == pd.Timestamp("2025-12-01")
    assert by_id.loc["z1", "tenure_band"] == "2–5 years"  # from the hired event
    assert "z2" not in by_id.index  # left before the cohort began
    assert by_id.loc["z3", "level"] == 4
    assert by_id.loc["z3", "tenure_band"] == "5–10 years"  # 12 years now, 9.8 then
    assert pd.isna(by_id.loc["z3", "left_at"])


def test_tenure_bands() -> None:
    years = pd.Series([0.5, 2.0, 7.0, 12.0, None])
    assert tenure_band(years).tolist() == [
        "under 2 years",
        "2–5 years",
        "5–10 years",
        "10 years or more",
        "unknown",
    ]


def test_a_lead_sees_only_their_cohorts(engine: Engine) -> None:
    career_program(engine)
    lead = Scope(cohorts=("c-b",))
    units = impact_units(engine, lead, months=12, as_of=AS_OF)
    participants = set(units[units["arm"] == "participant"]["person_id"])
    assert participants == {f"e{i:03d}" for i in range(31, 51)}
    with pytest.raises(OutOfScope):
        impact_units(engine, lead, cohort_id="c-a", months=12, as_of=AS_OF)
    with pytest.raises(OutOfScope):
        impact_report(engine, lead, cohort_id="c-a", as_of=AS_OF)


def test_busy_within_agrees_with_the_window_it_stands_for() -> None:
    """One pass per date gives, for every window, who was in a pairing at the date or in
    the months before it, as ``DateOffset`` counts months (31 March − 1 month = 29 February);
    a pairing joined after the date does not count."""
    days = ["2024-01-31", "2024-02-29", "2024-03-15", "2024-03-31", "2023-12-01", "2025-03-30"]
    joined = pd.to_datetime(days * 3)
    ends = [pd.NaT] * len(days) + list(joined[:6] + pd.Timedelta(days=40)) + list(joined[:6])
    ids = np.array([f"p{i}" for i in range(len(joined))] + ["nobody"])
    spans = pd.DataFrame({"person_id": ids[:-1], "joined": joined, "end_date": ends})
    for date in pd.to_datetime(["2024-02-29", "2024-03-31", "2024-05-15", "2023-12-31"]):
        within = busy_within(ids, spans, date)
        assert within[-1] == NEVER
        for months in (0, 1, 2, 3, 6, 12):
            low = date - pd.DateOffset(months=months)
            took_part = (spans["joined"] <= date) & (
                spans["end_date"].isna() | (spans["end_date"] >= low)
            )
            assert (within <= months).tolist() == [*took_part.to_list(), False], (date, months)
