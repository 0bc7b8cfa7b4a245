"""Charts over time (``components.ui.charts.time``): a year on every time axis, ratings
1–5 in whole numbers, one scale for the burn-up's panels, a few series in colour."""

from __future__ import annotations

import json

import pandas as pd

from components.ui.charts import burn_up_chart, highlighted_themes, pairing_timeline, theme_lines
from tests.components.ui.charts.specs import no_milestones, spec, two_checkins


def test_the_pairing_timeline_rates_one_to_five_in_whole_numbers_and_shows_years() -> None:
    chart = pairing_timeline(two_checkins(), no_milestones())
    assert chart is not None
    text = json.dumps(spec(chart))
    assert '"values": [1, 2, 3, 4, 5]' in text
    assert "%b %Y" in text  # the year on the time axis


def test_burn_up_shows_years_shares_its_scale_and_labels_line_ends() -> None:
    frame = pd.DataFrame(
        {
            "cohort": ["A", "A", "B", "B"],
            "month": ["2025-12", "2026-01", "2025-12", "2026-01"],
            "planned_total": [2, 5, 1, 3],
            "completed_total": [1, 4, 1, 2],
        }
    )
    chart = spec(burn_up_chart(frame))
    assert "%b %Y" in json.dumps(chart)
    assert "resolve" not in chart  # one y scale for every cohort
    rows = [row for data in chart["datasets"].values() for row in data]
    # Each line's latest figure at its end: planned 5 and 3, completed 4 and 2.
    assert sorted(row["end"] for row in rows if row["end"]) == ["2", "3", "4", "5"]


def test_theme_lines_colour_the_few_that_moved_and_drop_flat_ones() -> None:
    months = ["2026-01", "2026-02"]
    frame = pd.DataFrame(
        [
            {"month": m, "theme": t, "share": s, "n": 20, "suppressed": False}
            for t, shares in {
                "Delegation": [0.1, 0.2],
                "Career": [0.2, 0.1],
                "Never": [0.0, 0.0],
                "Steady": [0.3, 0.3],
            }.items()
            for m, s in zip(months, shares, strict=True)
        ]
    )
    change = pd.DataFrame(
        {
            "theme": ["Delegation", "Career", "Steady", "Never"],
            "change": [10.0, -10.0, 0.0, 0.0],
            "suppressed": [False] * 4,
        }
    )
    highlight = highlighted_themes(change, limit=2)
    assert highlight == ["Delegation", "Career"]
    chart = spec(theme_lines(frame, highlight))
    shown = {row["theme"] for rows in chart["datasets"].values() for row in rows}
    assert "Never" not in shown  # no line flat at 0 %
    assert '"domain": ["Delegation", "Career"]' in json.dumps(chart)  # the legend
