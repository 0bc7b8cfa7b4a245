"""The impact report: what a page and the command line read, aggregates only."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.impact import clamp_months, has_career_events, impact_report
from tandem.impact.query import CareerData, data_through
from tandem.program.models import CareerEvent
from tests.impact_program import AS_OF, career_program


def test_the_report_holds_aggregates_only(engine: Engine) -> None:
    career_program(engine)
    report = impact_report(engine, EVERYTHING, cohort_id="c-a", as_of=AS_OF)
    assert report.has_events and report.scope_label == "Leaders 2024"
    promotion = report.get("mentees", "promotion")
    assert promotion is not None and promotion.refused is None
    assert promotion.participants == 15
    assert promotion.naive_difference is not None and promotion.naive_difference > 0
    text = json.dumps(report.to_json(), default=str)
    assert "e0" not in text and "Person" not in text
    assert not report.curves.empty
    assert set(report.curves.columns) == {"group", "series", "month", "survival", "at_risk"}


def test_months_beyond_the_data_are_not_yet_observable(engine: Engine) -> None:
    career_program(engine)
    report = impact_report(engine, EVERYTHING, cohort_id="c-b", months=24, as_of=AS_OF)
    promotion = report.get("mentees", "promotion")
    assert promotion is not None
    assert promotion.not_yet_observable == 10 and promotion.participants == 0
    assert promotion.refused and promotion.refused.startswith("Not yet: all 10 mentees")


def test_without_events_the_report_says_so(engine: Engine) -> None:
    career_program(engine, events=False)
    assert not has_career_events(engine)
    report = impact_report(engine, EVERYTHING, as_of=AS_OF)
    assert not report.has_events and report.estimates == ()


def test_the_data_stop_at_the_last_event_not_today(engine: Engine) -> None:
    career_program(engine)
    with engine.begin() as connection:
        connection.execute(CareerEvent.__table__.delete().where(CareerEvent.event_id == "n001-h"))
    last = data_through(engine)
    assert last is not None and last < AS_OF
    report = impact_report(engine, EVERYTHING, as_of=dt.date(2030, 1, 1))
    assert report.as_of == last
    # The last event is a departure early in January 2026; c-b's year ends on
    # 2026-01-15: after the data stop, so not yet observable.
    assert last < dt.date(2026, 1, 15)
    promotion = report.get("mentees", "promotion")
    assert promotion is not None and promotion.not_yet_observable == 10


def test_one_reading_of_careers_serves_every_view_and_window(engine: Engine) -> None:
    career_program(engine)
    with engine.connect() as connection:
        data = CareerData(connection, AS_OF)
    for cohort, months in ((None, 12), ("c-a", 6), (None, 24), ("c-a", 12)):
        shared = impact_report(
            engine, EVERYTHING, cohort_id=cohort, months=months, as_of=AS_OF, data=data
        )
        alone = impact_report(engine, EVERYTHING, cohort_id=cohort, months=months, as_of=AS_OF)
        assert shared.estimates == alone.estimates
        assert shared.curves.equals(alone.curves)


def test_months_are_clamped_to_what_the_page_offers() -> None:
    assert clamp_months(1) == 3 and clamp_months(12) == 12 and clamp_months(600) == 60
