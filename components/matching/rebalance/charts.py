"""The Rebalancing page's two charts: a suggestion's components, and mentor loads."""

from __future__ import annotations

from typing import Any

import pandas as pd

from components.ui.charts.palette import vega_config
from components.ui.navigation import run_context
from tandem.matching import (
    AFTER,
    BEFORE,
    CURRENT,
    SCORE_SCALE,
    SUGGESTED,
)

SIDE_COLOURS = {CURRENT: "#9AA5B1", SUGGESTED: "#0F6E6E"}
LOAD_COLOURS = {BEFORE: "#9AA5B1", AFTER: "#0F6E6E"}


# --- charts ----------------------------------------------------------------------------


# Vega-Lite specs written out rather than built with Altair: Altair validates a
# chart against the Vega-Lite schema each time it is drawn, and with ten cards
# that was ~40 % of a warm run at 50,000 pairings (bench/findings.md).  The specs
# are what Altair produced for the same charts.


def house_sized(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the house text sizes (larger in presenter mode), as every
    chart drawn through ``components.ui.briefing.chart`` gets them."""
    presenting = run_context().viewer.presenting
    sized = {**spec, "config": vega_config(presenting=presenting)}
    if presenting and "height" in spec:  # room for every label at 16 px
        sized["height"] = int(spec["height"] * 1.5)
    return sized


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **extra}


def _colours(name: str, colours: dict[str, str]) -> dict[str, Any]:
    """Colour by the nominal field ``name``, each of its values in its colour, no legend
    title."""
    scale = {"domain": list(colours), "range": list(colours.values())}
    return _field(name, "nominal", title=None, scale=scale)


def component_spec() -> dict[str, Any]:
    """Grouped bars: each component's value for the current and the suggested mentor.

    Draws a ``component_frame`` (component, side, value, share).
    """
    return {
        "transform": [{"calculate": f"datum.value * {SCORE_SCALE}", "as": "points"}],
        "mark": {"type": "bar"},
        "encoding": {
            "y": _field(
                "component",
                "nominal",
                title=None,
                sort=None,
                axis={"labelLimit": 200, "labelOverlap": False},
            ),
            "yOffset": _field("side", "nominal", sort=[CURRENT, SUGGESTED]),
            # Read on 0–100 like the match score itself; the frame keeps 0–1.
            "x": _field(
                "points", "quantitative", title="Component (0–100)", scale={"domain": [0, 100]}
            ),
            "color": _colours("side", SIDE_COLOURS),
            "tooltip": [
                _field("component", "nominal", title="Component"),
                _field("side", "nominal", title="Mentor"),
                _field("points", "quantitative", title="Value (0–100)", format=".0f"),
                _field("share", "quantitative", title="Weight share", format=".0%"),
            ],
        },
        # A legend above or below would squeeze the plot: Streamlit fits the
        # whole chart, legend included, into this height.
        "height": 200,
    }


def load_spec(long: pd.DataFrame) -> dict[str, Any]:
    """Mentor load before and after the suggestions, with each mentor's capacity as a tick.

    Draws a ``load_long`` frame with a ``label`` column (the name shown).
    """
    y = _field("label", "nominal", title=None, sort=None, axis={"labelLimit": 200})
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "yOffset": _field("when", "nominal", sort=[BEFORE, AFTER]),
            "x": _field(
                "load",
                "quantitative",
                title="Mentees (active, paused, proposed)",
                axis={"tickMinStep": 1, "format": "d"},
            ),
            "color": _colours("when", LOAD_COLOURS),
            "tooltip": [
                _field("label", "nominal", title="Mentor"),
                _field("when", "nominal", title="When"),
                _field("load", "quantitative", title="Mentees"),
                _field("max_mentees", "quantitative", title="Capacity"),
            ],
        },
    }
    capacity = {
        # one tick per mentor: the capacity is on both of its rows
        "transform": [{"filter": {"field": "when", "equal": BEFORE}}],
        "mark": {"type": "tick", "color": "#C0392B", "thickness": 3, "size": 30},
        "encoding": {
            "y": y,
            "x": _field("max_mentees", "quantitative"),
            "tooltip": [_field("max_mentees", "quantitative", title="Capacity (max mentees)")],
        },
    }
    # The count at each bar's end, so nobody has to hover (0 included: a mentor left).
    values = {
        "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4, "fontSize": 12},
        "encoding": {
            "y": y,
            "yOffset": _field("when", "nominal", sort=[BEFORE, AFTER]),
            "x": _field("load", "quantitative"),
            "text": _field("load", "quantitative", format="d"),
        },
    }
    return {
        "layer": [bars, capacity, values],
        "height": max(120, 46 * long["label"].nunique()),
    }
