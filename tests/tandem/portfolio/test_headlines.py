"""Headline metrics (``tandem.portfolio.headlines``): a period, the one before, and how a
value and its change are shown."""

from __future__ import annotations

import datetime as dt

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.portfolio.headlines import Headline, Period, headline_metrics, period_for
from tests.factories import TODAY, small_program


def test_headlines_compare_with_the_previous_period(engine) -> None:  # type: ignore[no-untyped-def]
    small_program(engine)
    filters = Filters(scope=EVERYTHING, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 4, 30))
    period, metrics = headline_metrics(engine, filters, today=TODAY)
    assert period == period_for(filters, TODAY)
    assert period.previous.end == dt.date(2026, 2, 28)
    # Said as a reader says dates, the year included (never 2026-03-01).
    assert period.describe() == "1 Mar – 30 Apr 2026"
    by_label = {m.label: m for m in metrics}
    # Check-ins of x1 fall on 01-20, 02-19, 03-21, 04-20.
    assert by_label["Meetings held"].value == 2
    assert by_label["Meetings held"].previous == 2
    assert by_label["Milestones done"].previous == 1  # m1 completed 2026-02-25
    assert by_label["Milestones done"].value == 0


def test_the_default_period_is_the_last_90_days_and_the_previous_as_long() -> None:
    period = period_for(Filters(scope=EVERYTHING), dt.date(2026, 6, 30))
    assert period == Period(dt.date(2026, 4, 2), dt.date(2026, 6, 30))
    assert period.previous == Period(dt.date(2026, 1, 2), dt.date(2026, 4, 1))
    one_day = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert one_day.previous == Period(dt.date(2026, 2, 28), dt.date(2026, 2, 28))


def test_a_headline_shows_its_value_and_a_signed_change_at_its_precision() -> None:
    rating = Headline("Mean rating", 3.456, 3.2, "help", decimals=2)
    assert (rating.shown, rating.change_shown) == ("3.46", "+0.26")
    count = Headline("Meetings held", 1200, 1250, "help")
    assert (count.shown, count.change_shown) == ("1,200", "-50")
    # No change worth saying: none when equal, none when either side is unknown.
    assert Headline("x", 2, 2, "help").change_shown is None
    unknown = Headline("x", None, 4, "help")
    assert (unknown.shown, unknown.change, unknown.change_shown) == ("–", None, None)


def test_the_stored_activity_days_give_the_live_headlines(engine) -> None:  # type: ignore[no-untyped-def]
    """The refresh's ``activity_days`` serves the views that select whole cohorts (the
    program, a lead's cohorts, a cohort or programme-type filter, with or without a
    date range: it defines the period, not the pairings) with the live numbers; a view
    within cohorts (a kind) still reads the check-ins and milestones."""
    import pytest
    from sqlalchemy import select, update

    from tandem.access.scope import Scope
    from tandem.portfolio.headlines import refresh_activity_days
    from tandem.program import rollups
    from tandem.program.demo import generate_demo
    from tandem.program.derived_tables import ActivityDays

    today = dt.date(2026, 6, 1)
    generate_demo(engine, pairings=80, seed=5, today=today)
    with engine.connect() as connection:
        cohorts = [row[0] for row in connection.exec_driver_sql("SELECT cohort_id FROM cohorts")]
    spring = {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 4, 30)}
    whole = [
        Filters(scope=EVERYTHING),
        Filters(scope=EVERYTHING, **spring),
        Filters(scope=EVERYTHING, cohorts=tuple(cohorts[:2])),
        Filters(scope=EVERYTHING, program_types=("executive",)),
        Filters(scope=Scope(cohorts=(cohorts[0],))),
    ]
    within = Filters(scope=EVERYTHING, kinds=("reverse",))

    def values(filters: Filters) -> list[tuple[float | None, float | None]]:
        return [(m.value, m.previous) for m in headline_metrics(engine, filters, today)[1]]

    live = [values(filters) for filters in [*whole, within]]
    assert live[0][1][0] and live[0][2][0]  # meetings and milestones in the period
    with engine.begin() as connection:
        assert refresh_activity_days(connection) > 0
    assert rollups.is_current(engine, rollups.ACTIVITY_DAYS)
    for filters, expected in zip([*whole, within], live, strict=True):
        assert values(filters) == [
            (pytest.approx(value), pytest.approx(previous)) for value, previous in expected
        ]
    # The whole-cohort views read the stored counts (altered here on purpose); the
    # view within cohorts does not.
    with engine.begin() as connection:
        connection.execute(update(ActivityDays).values(meetings=ActivityDays.meetings * 2))
    assert values(whole[0])[1][0] == 2 * live[0][1][0]
    assert values(within) == live[-1]
    # An import forgets them.
    with engine.begin() as connection:
        rollups.invalidate(connection)
        assert connection.execute(select(ActivityDays.id)).first() is None
    assert not rollups.is_current(engine, rollups.ACTIVITY_DAYS)
