"""Health charts: the distribution of scores and the stall trend, verdicts in the
house colours (``VERDICT_COLOURS``: stalled red, at risk amber, the rest grey).

Both the Stalled page and the Overview draw the distribution with this one
builder, from ``tandem.health.health_distribution``'s bands.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.ui.charts.palette import MUTED, VERDICT_COLOURS, LayeredChart
from tandem import health

_STALLED = health.VERDICT_LABELS[health.STALLED]
_AT_RISK = health.VERDICT_LABELS[health.AT_RISK]
_OTHER = health.VERDICT_LABELS[health.ON_TRACK]
_ORDER = [_STALLED, _AT_RISK, _OTHER]
#: The count columns of the core's frames, and the verdict each one counts.
_SERIES = {column: health.VERDICT_LABELS[v] for v, column in health.VERDICT_COUNT_COLUMNS.items()}


def health_distribution(bands: pd.DataFrame, at_risk_below: float) -> LayeredChart:
    """Pairings per health band (10 points wide, or wider where the core joined bands)
    stacked by verdict, the total on each bar, and the at-risk line dashed; suppressed
    bands are left out (the caption says so)."""
    # Each bar spans its band, from ``low`` to the start of the next (``high`` inclusive).
    shown = bands[~bands["suppressed"]].assign(
        start=lambda f: f["low"] + 0.6,
        end=lambda f: f["high"].clip(upper=99) + 0.4,
    )
    long = shown.melt(
        id_vars=["low", "band", "start", "end"],
        value_vars=list(_SERIES),
        var_name="kind",
        value_name="count",
    )
    long["verdict"] = long["kind"].map(_SERIES)
    long = long[long["count"].fillna(0) > 0].assign(order=lambda f: f["verdict"].map(_ORDER.index))
    # Stacked here, stalled at the bottom: Vega-Lite does not stack a bar with x and x2.
    long = long.sort_values(["low", "order"], kind="stable")
    long["top"] = long.groupby("low")["count"].cumsum()
    long["bottom"] = long["top"] - long["count"]
    colour = alt.Color(
        "verdict:N",
        title=None,
        scale=alt.Scale(domain=_ORDER, range=[VERDICT_COLOURS[name] for name in _ORDER]),
        legend=alt.Legend(orient="top"),
    )
    x = alt.X("start:Q", title="Health (0–100)", scale=alt.Scale(domain=[0, 100]))
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=x,
            x2="end:Q",
            y=alt.Y("bottom:Q", title="Pairings", axis=alt.Axis(tickMinStep=1)),
            y2="top:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("band:N", title="Health"),
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("count:Q", title="Pairings", format=","),
            ],
        )
    )
    totals = shown[shown["pairings"].fillna(0) > 0].assign(
        centre=lambda f: (f["start"] + f["end"]) / 2
    )
    labels = (
        alt.Chart(totals)
        .mark_text(dy=-8)
        .encode(x="centre:Q", y="pairings:Q", text=alt.Text("pairings:Q", format=","))
    )
    line = pd.DataFrame({"x": [at_risk_below], "label": [f"At risk below {at_risk_below:g}"]})
    rule = alt.Chart(line).mark_rule(strokeDash=[4, 4], color=MUTED).encode(x="x:Q")
    rule_text = (
        alt.Chart(line)
        .mark_text(align="left", dx=4, baseline="top", color=MUTED)
        .encode(x="x:Q", y=alt.value(0), text="label:N")
    )
    return alt.layer(bars, labels, rule, rule_text).properties(height=260)


def verdict_trend(trend: pd.DataFrame) -> LayeredChart:
    """Stalled and at-risk pairings at each month end, the count on each point."""
    counted = [column for column in _SERIES if column in trend.columns]
    long = trend.melt(id_vars=["month_end"], value_vars=counted, var_name="kind")
    long["verdict"] = long["kind"].map(_SERIES)
    # Month labels as categories: time ticks would not line up with month ends.
    labels = [f"{end:%b %Y}" for end in trend["month_end"]]
    # Only the label travels with the chart: a date does not serialise to Vega-Lite.
    long["month"] = [f"{end:%b %Y}" for end in long["month_end"]]
    long = long.drop(columns="month_end")
    shown = _ORDER[:2]
    base = alt.Chart(long).encode(
        x=alt.X("month:O", title="Month end", sort=labels, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Pairings", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color(
            "verdict:N",
            title=None,
            scale=alt.Scale(domain=shown, range=[VERDICT_COLOURS[name] for name in shown]),
            legend=alt.Legend(orient="top"),
        ),
    )
    lines = base.mark_line(point=True).encode(
        tooltip=[
            alt.Tooltip("month:N", title="Month end"),
            alt.Tooltip("verdict:N", title="Verdict"),
            alt.Tooltip("value:Q", title="Pairings", format=","),
        ]
    )
    values = base.mark_text(dy=-10).encode(text=alt.Text("value:Q", format=","))
    return alt.layer(lines, values).properties(height=260)
