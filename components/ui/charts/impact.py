"""The Impact page's charts: mentees and mentors side by side, on shared scales, the
people who took part in the program's colour against comparable colleagues in grey."""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.ui.charts.palette import COMPARISON_COLOUR, PARTICIPANT_COLOUR

__all__ = ["COMPARISON_COLOUR", "PARTICIPANT_COLOUR", "difference_intervals", "retention_curves"]


def _per_group(field: str) -> alt.Column:
    """The one panel layout of both charts: Mentees, then Mentors, named above each panel
    (the panels share their scales, Vega-Lite's default for a facet)."""
    return alt.Column(
        f"{field}:N",
        title=None,
        sort=["Mentees", "Mentors"],
        header=alt.Header(labelFontWeight="bold"),
    )


def retention_curves(
    frame: pd.DataFrame, participant_label: str, comparison_label: str, months: int
) -> alt.FacetChart:
    """Kaplan–Meier curves, one panel per group: those who took part against colleagues."""
    data = frame.assign(
        side=[
            comparison_label if series == comparison_label else participant_label
            for series in frame["series"]
        ]
    )
    domain = [participant_label, comparison_label]
    low = float(data["survival"].min()) if len(data) else 0.0
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeWidth=2.5)
        .encode(
            x=alt.X(
                "month:Q",
                title="Months after the start",
                scale=alt.Scale(domain=[0, months]),
                axis=alt.Axis(tickMinStep=1),
            ),
            y=alt.Y(
                "survival:Q",
                title="Still employed",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[min(0.8, max(0.0, low - 0.05)), 1.0]),
            ),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[PARTICIPANT_COLOUR, COMPARISON_COLOUR]),
                legend=alt.Legend(orient="top", symbolSize=300),
            ),
            strokeDash=alt.StrokeDash(
                "side:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("series:N", title="Who"),
                alt.Tooltip("month:Q", title="Months after the start", format=".1f"),
                alt.Tooltip("survival:Q", title="Still employed", format=".0%"),
                alt.Tooltip("at_risk:Q", title="Still observed", format=","),
            ],
        )
        .properties(width=360, height=240)
        .facet(column=_per_group("group"))
    )


def difference_intervals(frame: pd.DataFrame, subgroup_title: str) -> alt.FacetChart:
    """Adjusted differences with their 95 % intervals, one row per subgroup, a zero line.

    ``frame``: ``who`` (panel), ``subgroup``, ``adjusted``, ``low``, ``high`` (points;
    missing when suppressed), ``value`` (the difference as text), ``status`` (the
    verdict word, or "suppressed"/"not yet observable"), ``effect`` (whether the
    interval excludes zero).  Suppressed rows are drawn as the word, at zero.
    """
    order = list(dict.fromkeys(frame["subgroup"]))
    shown, hidden_rows = "isValid(datum.adjusted)", "!isValid(datum.adjusted)"
    y = alt.Y(
        "subgroup:N",
        sort=order,
        title=subgroup_title,
        axis=alt.Axis(labelLimit=220),
    )
    x_title = "Adjusted difference, percentage points (95 % interval)"
    tooltip = [
        alt.Tooltip("who:N", title="Who"),
        alt.Tooltip("subgroup:N", title=subgroup_title),
        alt.Tooltip("value:N", title="Adjusted difference"),
        alt.Tooltip("interval:N", title="95 % interval"),
        alt.Tooltip("status:N", title="Verdict"),
    ]
    base = alt.Chart().encode(y=y)
    # An interval that excludes zero (an effect) in the participants' colour, else grey.
    effect_colour = alt.Color(
        "effect:N",
        scale=alt.Scale(domain=[True, False], range=[PARTICIPANT_COLOUR, COMPARISON_COLOUR]),
        legend=None,
    )
    zero = alt.Chart().mark_rule(color=COMPARISON_COLOUR, strokeDash=[4, 3]).encode(x=alt.datum(0))
    interval = (
        base.transform_filter(shown)
        .mark_rule(strokeWidth=2.5)
        .encode(
            x=alt.X("low:Q", title=x_title),
            x2="high:Q",
            color=effect_colour,
            tooltip=tooltip,
        )
    )
    point = (
        base.transform_filter(shown)
        .mark_point(filled=True, size=90)
        .encode(
            x="adjusted:Q",
            color=effect_colour,
            tooltip=tooltip,
        )
    )
    value = (
        base.transform_filter(shown)
        .mark_text(align="left", dx=6)
        .encode(x="high:Q", text="value:N")
    )
    hidden = (
        base.transform_filter(hidden_rows)
        .mark_text(align="left", fontStyle="italic", color="#5A6268")
        .encode(x=alt.datum(0), text="status:N", tooltip=tooltip)
    )
    rows = max(1, len(order))
    return (
        alt.layer(zero, interval, point, value, hidden, data=frame)
        .properties(width=330, height=max(90, 36 * rows))
        .facet(column=_per_group("who"))
    )
