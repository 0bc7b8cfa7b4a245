"""Reshaping for charts (``components.ui.charts.shaping``): wide series columns stacked
into one row per key and series, named in the chart's words."""

from __future__ import annotations

import pandas as pd

from components.ui.charts.shaping import long_form


def test_long_form_stacks_the_series_under_their_words_and_keeps_the_keys() -> None:
    frame = pd.DataFrame(
        {
            "cohort": ["A", "B"],
            "month": ["2026-01", "2026-01"],
            "planned_total": [5, 3],
            "completed_total": [4, 2],
            "ignored": [99, 98],
        }
    )
    long = long_form(
        frame,
        ["cohort", "month"],
        {"planned_total": "Due (plan)", "completed_total": "Completed"},
        "series",
        "milestones",
    )
    assert list(long.columns) == ["cohort", "month", "series", "milestones"]
    assert long.to_dict("records") == [
        {"cohort": "A", "month": "2026-01", "series": "Due (plan)", "milestones": 5},
        {"cohort": "B", "month": "2026-01", "series": "Due (plan)", "milestones": 3},
        {"cohort": "A", "month": "2026-01", "series": "Completed", "milestones": 4},
        {"cohort": "B", "month": "2026-01", "series": "Completed", "milestones": 2},
    ]
    # The caller's frame is left as it was.
    assert list(frame.columns) == ["cohort", "month", "planned_total", "completed_total", "ignored"]
