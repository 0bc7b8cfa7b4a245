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
