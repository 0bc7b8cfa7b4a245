"""Every colour and text size a chart uses, in one place.

Status colours are colour-blind safe (red and amber differ in lightness, and
neither is paired with green): stalled and overdue in red, at risk and due
soon in amber, the same on every page.  Presenter mode draws every text at
16 px or more (``styled``), for a projector at 1280 × 720.
"""

from __future__ import annotations

from typing import Any, Final

import altair as alt

ACCENT = "#0F6E6E"  # the program's own figures: bars, participants, highlighted series
ACCENT_LIGHT = "#8FB9B9"  # an unselected bar
MUTED = "#9AA5B1"  # context: the plan, the comparison, the series not highlighted
SUPPRESSED_COLOUR = "#D5DBDB"  # a cell hidden below the privacy threshold
REFERENCE = "#4A5560"  # the program-average or target line
RED = "#C0392B"  # stalled, overdue, negative
AMBER = "#E69F00"  # at risk, due soon
BLUE = "#3E7CB1"  # in progress
CORAL = "#E07A5F"  # the second direction of a two-way comparison (mentor learned)
SEQUENTIAL: Final = "tealblues"  # heatmap cells

STATUS_COLOURS = {
    "Stalled": RED,
    "Overdue": RED,
    "At risk": AMBER,
    "On track": ACCENT,
}
MILESTONE_COLOURS = {
    "Done on time": ACCENT,
    "Done late": ACCENT_LIGHT,
    "In progress": BLUE,
    "Due soon": AMBER,
    "Planned": MUTED,
    "Overdue": RED,
    "Missed": "#6D2E46",
}
# Up to six series that must be told apart (Okabe–Ito, colour-blind safe).
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]

# Text sizes: on screen, and in presenter mode (at least 16 px from the back of a room).
SCREEN = {"label": 12, "title": 13, "text": 12}
PRESENTER = {"label": 16, "title": 18, "text": 16}
LABEL_LIMIT = 220  # px before an axis label is cut with an ellipsis


# What ``alt.layer(...).properties(...)`` is typed to return.
#: Health verdicts on every health chart, keyed by ``tandem.health.VERDICT_LABELS``:
#: stalled red and at risk amber (as in ``STATUS_COLOURS``), flagged blue, the rest grey.
VERDICT_COLOURS = {
    "Stalled": RED,
    "At risk": AMBER,
    "Flagged": BLUE,
    "Not at risk": MUTED,
}

LayeredChart = alt.LayerChart | alt.FacetChart


def vega_config(*, presenting: bool) -> dict[str, Any]:
    """The house text sizes as a Vega-Lite ``config``, for the few charts drawn from a
    raw spec (``st.vega_lite_chart``) rather than through :func:`styled`."""
    sizes = PRESENTER if presenting else SCREEN
    return {
        "axis": {"labelFontSize": sizes["label"], "titleFontSize": sizes["title"]},
        "legend": {
            "labelFontSize": sizes["label"],
            "titleFontSize": sizes["label"],
            "titleLimit": 0,
            "labelLimit": 0,
        },
        "text": {"fontSize": sizes["text"]},
    }


def styled(chart: alt.TopLevelMixin, *, presenting: bool) -> alt.TopLevelMixin:
    """``chart`` with the house text sizes: the one place a chart's fonts are set.

    Applied when a chart is drawn (builders set no font size), so presenter mode
    enlarges every chart alike; legend titles are never cut.
    """
    sizes = PRESENTER if presenting else SCREEN
    house = {
        "axis": alt.AxisConfig(
            labelFontSize=sizes["label"],
            titleFontSize=sizes["title"],
            labelLimit=LABEL_LIMIT + (60 if presenting else 0),
        ),
        "legend": alt.LegendConfig(
            labelFontSize=sizes["label"], titleFontSize=sizes["label"], titleLimit=0, labelLimit=0
        ),
        "header": alt.HeaderConfig(labelFontSize=sizes["title"], titleFontSize=sizes["title"]),
        "text": alt.MarkConfig(fontSize=sizes["text"]),
    }
    # One copy for all four, as each ``configure_*`` would make its own: copying a
    # layered or faceted chart runs its constructor again, which deep-copies every
    # layer twice (a quarter of a second per chart on Milestone progress).
    copy = chart.copy(deep=["config"])  # type: ignore[attr-defined]
    if copy.config is alt.Undefined:
        copy.config = alt.Config()
    for name, config in house.items():
        copy.config[name] = config
    return copy


PARTICIPANT_COLOUR = ACCENT  # Impact: those who took part
COMPARISON_COLOUR = MUTED  # Impact: comparable colleagues
