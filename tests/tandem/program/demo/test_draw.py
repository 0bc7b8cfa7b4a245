"""The demo's drawing tools (``tandem.program.demo.draw``)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tandem.program.demo.draw import Days, choice_rows, optional, stage_rng

TODAY = dt.date(2026, 6, 1)


def test_days_turn_offsets_into_dates() -> None:
    days = Days(TODAY)
    assert days.one(0) == TODAY and days.one(-1) == dt.date(2026, 5, 31)
    assert days.many(np.array([0, 31, -365])) == [
        TODAY,
        dt.date(2026, 7, 2),
        dt.date(2025, 6, 1),
    ]
    present = np.array([True, False, True])
    assert days.many_optional(np.array([1, 2, 3]), present) == [
        dt.date(2026, 6, 2),
        None,
        dt.date(2026, 6, 4),
    ]


def test_each_stage_has_its_own_repeatable_generator() -> None:
    assert stage_rng(7, 1).integers(0, 10**9, 5).tolist() == (
        stage_rng(7, 1).integers(0, 10**9, 5).tolist()
    )
    assert stage_rng(7, 1).integers(0, 10**9, 5).tolist() != (
        stage_rng(7, 2).integers(0, 10**9, 5).tolist()
    )


def test_choice_rows_draws_each_row_from_its_own_weights() -> None:
    weights = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 5.0], [1.0, 1.0, 0.0]] * 2000)
    picked = choice_rows(stage_rng(1, 1), weights)
    assert (picked[0::3] == 0).all() and (picked[1::3] == 2).all()
    third = picked[2::3]
    assert set(third.tolist()) == {0, 1}
    assert 0.45 < float((third == 0).mean()) < 0.55  # an even split, 2,000 draws


def test_optional_blanks_the_absent_cells() -> None:
    assert optional(["a", "b", "c"], np.array([True, False, True])) == ["a", None, "c"]
