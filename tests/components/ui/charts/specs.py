"""What the chart tests share: a built chart read back as its Vega-Lite spec (the whole
spec, its layers, its data rows), and the small frames more than one test module draws."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, as the browser receives it."""
    found: dict[str, Any] = json.loads(chart.to_json())
    return found


def layers(chart: alt.TopLevelMixin) -> list[dict[str, Any]]:
    """The layers of a layered chart, or of a faceted one's inner spec."""
    found = spec(chart)
    drawn: list[dict[str, Any]] = found.get("layer") or found["spec"]["layer"]
    return drawn


def values(chart: alt.TopLevelMixin) -> list[dict[str, Any]]:
    """Every data row the chart carries, across all its datasets."""
    datasets = spec(chart)["datasets"]
    return [row for rows in datasets.values() for row in rows]


def groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["peer", "reverse", "traditional"],
            "n": [25.0, None, 97.0],
            "completion_rate": [0.64, None, 0.8],
            "suppressed": [False, True, False],
        }
    )


def two_checkins() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": ["2026-01-05", "2026-02-05"],
            "clarity": [3, 4],
            "confidence": [2, 3],
            "influence": [3, 3],
            "safety": [4, 4],
            "mentor_learning": [2, 3],
        }
    )


def no_milestones() -> pd.DataFrame:
    return pd.DataFrame(columns=["completed_date", "due_date", "title", "status_label"])


def one_flow() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["reverse"],
            "n": [12],
            "mentor_learning": [3.8],
            "mentee_rating": [3.5],
            "suppressed": [False],
        }
    )


def layer_rows(chart: alt.TopLevelMixin, index: int) -> list[dict[str, Any]]:
    """The data rows one layer draws (its own data, else the chart's)."""
    found = spec(chart)
    drawn = found.get("layer") or found["spec"]["layer"]
    name = (drawn[index].get("data") or found["data"])["name"]
    rows: list[dict[str, Any]] = found["datasets"][name]
    return rows
