"""Health charts (``components.ui.charts.health``): the distribution stacks each band's
verdicts in the house colours with the total on top and the at-risk line dashed,
suppressed bands left out; the stall trend prints each month's counts, years shown."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from components.ui.charts import health_distribution, verdict_trend
from components.ui.charts.palette import AMBER, MUTED, RED
from tandem.health.stalled import DISTRIBUTION_COLUMNS
from tests.components.ui.charts.specs import layer_rows, layers, values


def _bands() -> pd.DataFrame:
    """Bands as ``tandem.health.health_distribution`` returns them: one suppressed, one
    empty, the top band 90–100."""
    return pd.DataFrame(
        [
            (0, 9, "0–9", 3, 3, 0, 0, False, True),
            (10, 19, "10–19", None, None, None, None, True, True),
            (20, 29, "20–29", 0, 0, 0, 0, False, True),
            (30, 39, "30–39", 5, 1, 2, 2, False, True),
            (90, 100, "90–100", 4, 0, 0, 4, False, False),
        ],
        columns=list(DISTRIBUTION_COLUMNS),
    )


def test_the_distribution_stacks_verdicts_stalled_first_and_prints_each_total() -> None:
    chart = health_distribution(_bands(), 40)
    stacks = [
        (row["band"], row["verdict"], row["bottom"], row["top"]) for row in layer_rows(chart, 0)
    ]
    assert stacks == [
        ("0–9", "Stalled", 0, 3),
        ("30–39", "Stalled", 0, 1),
        ("30–39", "At risk", 1, 3),
        ("30–39", "Not at risk", 3, 5),
        ("90–100", "Not at risk", 0, 4),
    ]
    # Each bar spans its band, inside the 0–100 axis.
    spans = {(row["band"], row["start"], row["end"]) for row in layer_rows(chart, 0)}
    assert spans == {("0–9", 0.6, 9.4), ("30–39", 30.6, 39.4), ("90–100", 90.6, 99.4)}
    bars = layers(chart)[0]["encoding"]
    assert bars["x"]["scale"]["domain"] == [0, 100]
    assert bars["y"]["axis"]["tickMinStep"] == 1  # counts of pairings: whole numbers
    assert bars["color"]["scale"] == {
        "domain": ["Stalled", "At risk", "Not at risk"],
        "range": [RED, AMBER, MUTED],
    }
    # The total over each bar; no "0" over the empty band.
    totals = layers(chart)[1]
    assert totals["mark"]["type"] == "text"
    assert totals["encoding"]["text"] == {
        "field": "pairings",
        "format": ",",
        "type": "quantitative",
    }
    assert [(row["band"], row["pairings"]) for row in layer_rows(chart, 1)] == [
        ("0–9", 3),
        ("30–39", 5),
        ("90–100", 4),
    ]


def test_a_suppressed_band_is_in_none_of_the_charts_data() -> None:
    drawn = {row.get("band") for row in values(health_distribution(_bands(), 40))}
    # The empty band has nothing to draw either; None: the at-risk line's row.
    assert drawn == {"0–9", "30–39", "90–100", None}


def test_the_at_risk_line_is_dashed_at_its_value_and_says_it() -> None:
    chart = health_distribution(_bands(), 37.5)
    drawn = layers(chart)
    rule = next(layer for layer in drawn if layer["mark"]["type"] == "rule")
    assert rule["mark"]["strokeDash"] == [4, 4]
    assert layer_rows(chart, drawn.index(rule)) == [{"x": 37.5, "label": "At risk below 37.5"}]
    words = drawn[-1]
    assert words["mark"]["type"] == "text" and words["encoding"]["text"]["field"] == "label"


def test_the_stall_trend_prints_each_count_by_month_and_year() -> None:
    trend = pd.DataFrame(
        {
            "month_end": [dt.date(2025, 12, 31), dt.date(2026, 1, 31)],
            "scored": [10, 12],
            "stalled": [1, 3],
            "at_risk": [2, 0],
            "mean_health": [60.0, 55.0],
        }
    )
    chart = verdict_trend(trend)
    points = {(row["month"], row["verdict"]): row["value"] for row in layer_rows(chart, 0)}
    assert points == {
        ("Dec 2025", "Stalled"): 1,
        ("Jan 2026", "Stalled"): 3,
        ("Dec 2025", "At risk"): 2,
        ("Jan 2026", "At risk"): 0,
    }
    lines, counts = layers(chart)
    assert lines["mark"] == {"type": "line", "point": True}
    assert lines["encoding"]["x"]["sort"] == ["Dec 2025", "Jan 2026"]  # in time order
    assert lines["encoding"]["color"]["scale"] == {
        "domain": ["Stalled", "At risk"],
        "range": [RED, AMBER],
    }
    assert counts["mark"]["type"] == "text"
    assert counts["encoding"]["text"] == {"field": "value", "format": ",", "type": "quantitative"}
