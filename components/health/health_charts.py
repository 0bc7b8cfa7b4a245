"""Health across the program: the distribution of scores and the stall trend.

Both charts draw the verdicts in the same colours as every health chart
(``components.ui.charts.VERDICT_COLOURS``: stalled red, at risk amber, the
rest grey), say their values on the marks, and carry a one-sentence caption.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.health import reads
from components.health.reads import plural
from components.ui.charts import VERDICT_COLOURS
from tandem import health
from tandem.access import Viewer
from tandem.access.filters import Filters

_STALLED = health.VERDICT_LABELS[health.STALLED]
_AT_RISK = health.VERDICT_LABELS[health.AT_RISK]
_OTHER = health.VERDICT_LABELS[health.ON_TRACK]
_ORDER = [_STALLED, _AT_RISK, _OTHER]
#: The count columns of the core's frames, and the verdict each one counts.
_SERIES = {column: health.VERDICT_LABELS[v] for v, column in health.VERDICT_COUNT_COLUMNS.items()}


def _fonts(chart: Any, presenting: bool) -> Any:
    """Readable from the back of the room when presenting (16 px and up)."""
    size = 16 if presenting else 12
    return chart.configure_axis(labelFontSize=size, titleFontSize=size).configure_legend(
        labelFontSize=size, titleFontSize=size, orient="bottom"
    )


def _distribution_chart(result: health.HealthDistribution, presenting: bool) -> Any:
    bands = result.bands[~result.bands["suppressed"]]
    long = bands.melt(
        id_vars=["low", "band"],
        value_vars=list(_SERIES),
        var_name="kind",
        value_name="count",
    )
    long["verdict"] = long["kind"].map(_SERIES)
    long = long[long["count"].fillna(0) > 0].assign(
        start=lambda f: f["low"] + 0.6,
        end=lambda f: f["low"] + 9.4,
        order=lambda f: f["verdict"].map(_ORDER.index),
    )
    # Stacked here, stalled at the bottom: Vega-Lite does not stack a bar with x and x2.
    long = long.sort_values(["low", "order"], kind="stable")
    long["top"] = long.groupby("low")["count"].cumsum()
    long["bottom"] = long["top"] - long["count"]
    colour = alt.Color(
        "verdict:N",
        title=None,
        scale=alt.Scale(domain=_ORDER, range=[VERDICT_COLOURS[name] for name in _ORDER]),
    )
    x = alt.X("start:Q", title="Health", scale=alt.Scale(domain=[0, 100]))
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
    totals = bands[bands["pairings"].fillna(0) > 0].assign(centre=lambda f: f["low"] + 5)
    labels = (
        alt.Chart(totals)
        .mark_text(dy=-8, fontSize=16 if presenting else 12)
        .encode(x="centre:Q", y="pairings:Q", text=alt.Text("pairings:Q", format=","))
    )
    line = pd.DataFrame(
        {"x": [result.at_risk_below], "label": [f"At risk below {result.at_risk_below:g}"]}
    )
    rule = alt.Chart(line).mark_rule(strokeDash=[4, 4], color="#5A6268").encode(x="x:Q")
    rule_text = (
        alt.Chart(line)
        .mark_text(
            align="left", dx=4, baseline="top", color="#5A6268", fontSize=16 if presenting else 12
        )
        .encode(x="x:Q", y=alt.value(0), text="label:N")
    )
    return _fonts(alt.layer(bars, labels, rule, rule_text), presenting)


def _distribution(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.markdown("**Health distribution**")
    result = reads.distribution(engine, filters, viewer)
    if result.empty and not result.suppressed:
        st.caption("No scored pairings under these filters.")
        return
    if result.empty:
        st.caption(
            f"Every health band under these filters holds fewer than {result.threshold} "
            "pairings, so none is shown."
        )
        return
    st.altair_chart(_distribution_chart(result, viewer.presenting), width="stretch")
    hidden = (
        f" {plural(result.suppressed, 'band')} with fewer than {result.threshold} pairings "
        f"{'is' if result.suppressed == 1 else 'are'} hidden."
        if result.suppressed
        else ""
    )
    st.caption(
        f"Pairings per 10-point health band: stalled in red, at risk in amber; every stalled "
        f"pairing sits under the dashed at-risk line.{hidden}"
    )


def _trend_chart(trend: pd.DataFrame, presenting: bool) -> Any:
    counted = [column for column in _SERIES if column in trend.columns]
    long = trend.melt(id_vars=["month_end"], value_vars=counted, var_name="kind")
    long["verdict"] = long["kind"].map(_SERIES)
    # Month labels as categories: time ticks would not line up with month ends.
    labels = [f"{end:%b %Y}" for end in trend["month_end"]]
    long["month"] = [f"{end:%b %Y}" for end in long["month_end"]]
    shown = _ORDER[:2]
    base = alt.Chart(long).encode(
        x=alt.X("month:O", title="Month end", sort=labels, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Pairings", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color(
            "verdict:N",
            title=None,
            scale=alt.Scale(domain=shown, range=[VERDICT_COLOURS[name] for name in shown]),
        ),
    )
    lines = base.mark_line(point=True).encode(
        tooltip=[
            alt.Tooltip("month:N", title="Month end"),
            alt.Tooltip("verdict:N", title="Verdict"),
            alt.Tooltip("value:Q", title="Pairings", format=","),
        ]
    )
    values = base.mark_text(dy=-10, fontSize=16 if presenting else 12).encode(
        text=alt.Text("value:Q", format=",")
    )
    return _fonts(alt.layer(lines, values), presenting)


def _trend(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.markdown("**Stalled and at risk, month by month**")
    info = reads.as_of(engine)
    with st.spinner("Reading health at each month end…"):
        trend = reads.trend(engine, filters, reads.scored_day(info))
    st.altair_chart(_trend_chart(trend, viewer.presenting), width="stretch")
    st.caption(
        "Stalled (red) and at-risk (amber) pairings at each month end, from the check-ins and "
        "milestones on record then; a rising red line means more pairs have stopped meeting."
    )


def health_charts(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    left, right = st.columns(2)
    with left:
        _distribution(engine, filters, viewer)
    with right:
        _trend(engine, filters, viewer)
