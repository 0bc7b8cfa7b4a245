"""Yearly career rates as monthly chances, and the months of the history
(``tandem.program.demo.rates``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tandem.program.demo.rates import (
    HISTORY_YEARS,
    MONTH_DAYS,
    PROMOTION_RATE,
    history_month,
    yearly_to_monthly,
)


def test_twelve_monthly_chances_compound_to_the_yearly_rate() -> None:
    yearly = np.array([0.0, 0.05, 0.19, 0.5])
    monthly = yearly_to_monthly(yearly)
    assert 1 - (1 - monthly) ** 12 == pytest.approx(yearly)
    assert (monthly <= yearly).all()
    # A rate of 1 would mean certain departure in a month: capped at 95% a year.
    assert 1 - (1 - yearly_to_monthly(np.array([1.0]))[0]) ** 12 == pytest.approx(0.95)


def test_promotion_rates_fall_with_level_and_stop_at_the_top() -> None:
    assert PROMOTION_RATE[-1] == 0.0
    assert (np.diff(PROMOTION_RATE[1:]) <= 0).all()


def test_history_months_tile_the_history_without_gaps() -> None:
    months = round(HISTORY_YEARS * 12)
    spans = [history_month(m) for m in range(months)]
    assert spans[0][0] == -round(HISTORY_YEARS * 365.25)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(abs((end - start) - MONTH_DAYS) < 1 for start, end in spans)
    assert abs(spans[-1][1]) <= 1  # the history ends today
