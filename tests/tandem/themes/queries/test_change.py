"""Emerging and fading themes between two periods (``tandem.themes.queries.change``)."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.themes import queries as q
from tests.tandem.themes.queries.program import TODAY, build, joined


def test_emerging_fading_matches(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame, span = q.emerging_fading(engine, Filters(scope=EVERYTHING), threshold=5, today=TODAY)
    assert span.current_end == TODAY
    assert (span.current_end - span.current_start).days == q.DEFAULT_PERIOD_DAYS - 1
    assert span.previous_end == span.current_start - dt.timedelta(days=1)
    current = [n for n in notes if span.current_start <= n["date"] <= span.current_end]
    previous = [n for n in notes if span.previous_start <= n["date"] <= span.previous_end]
    assert frame["change"].is_monotonic_decreasing
    for row in frame.itertuples():
        now = sum(n["theme"] == row.theme for n in current) / len(current)
        before = sum(n["theme"] == row.theme for n in previous) / len(previous)
        assert row.share_current == pytest.approx(now)
        assert row.share_previous == pytest.approx(before)
        assert row.change == pytest.approx(100 * (now - before))
        assert row.n_current == len({n["unit"] for n in current})
        assert row.n_previous == len({n["unit"] for n in previous})


def test_emerging_fading_uses_the_filter_range_and_suppresses(engine) -> None:  # type: ignore[no-untyped-def]
    build(engine)
    filters = Filters(scope=EVERYTHING, date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 30))
    _, span = q.emerging_fading(engine, filters, threshold=5, today=TODAY)
    assert (span.current_start, span.current_end) == (filters.date_from, filters.date_to)
    assert (span.previous_start, span.previous_end) == (dt.date(2026, 5, 2), dt.date(2026, 5, 31))
    frame, _ = q.emerging_fading(engine, filters, threshold=100, today=TODAY)
    assert not frame.empty and frame["suppressed"].all() and frame["change"].isna().all()


def test_periods_are_the_last_90_days_and_the_90_before() -> None:
    span = q.periods(Filters(scope=EVERYTHING), TODAY)
    assert span.current_end == TODAY
    assert span.current_start == TODAY - dt.timedelta(days=q.DEFAULT_PERIOD_DAYS - 1)
    assert span.previous_end == span.current_start - dt.timedelta(days=1)
    assert (span.previous_end - span.previous_start) == (span.current_end - span.current_start)
    assert span.describe().startswith(f"{span.current_start.isoformat()} to {TODAY.isoformat()}")


def test_periods_follow_the_filters_date_range() -> None:
    filters = Filters(scope=EVERYTHING, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 10))
    span = q.periods(filters, TODAY)
    assert (span.current_start, span.current_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    assert (span.previous_start, span.previous_end) == (dt.date(2026, 2, 19), dt.date(2026, 2, 28))


def test_no_notes_no_change(engine) -> None:  # type: ignore[no-untyped-def]
    frame, span = q.emerging_fading(engine, Filters(scope=EVERYTHING), threshold=5, today=TODAY)
    assert frame.empty and span.current_end == TODAY
