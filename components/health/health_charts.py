"""Health across the program: the distribution of scores and the stall trend.

Both charts draw the verdicts in the same colours as every health chart
(``components.ui.charts.health``: stalled red, at risk amber, the rest grey),
say their values on the marks, and carry a one-sentence caption.
"""

from __future__ import annotations

from functools import partial

import streamlit as st
from sqlalchemy import Engine

from components.health import reads
from components.ui.briefing import chart as exportable_chart
from components.ui.charts import health_distribution, verdict_trend
from components.ui.formatting import plural
from tandem.access import Viewer
from tandem.access.filters import Filters


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
    exportable_chart(
        partial(health_distribution, result.bands, result.at_risk_below),
        "health-distribution",
        exportable=False,  # the Stalled page offers no downloads (presenter: no controls)
        width="stretch",
    )
    hidden = (
        f" {plural(result.suppressed, 'band')} with fewer than {result.threshold} pairings "
        f"{'is' if result.suppressed == 1 else 'are'} hidden."
        if result.suppressed
        else ""
    )
    bands = (
        f"health bands joined until each holds {result.threshold} or more (10-point bands "
        "would have been too small to show)"
        if result.coarsened
        else "10-point health band"
    )
    st.caption(
        f"Pairings per {bands}: stalled in red, at risk in amber; every stalled "
        f"pairing sits under the dashed at-risk line.{hidden}"
    )


def _trend(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.markdown("**Stalled and at risk, month by month**")
    info = reads.as_of(engine)
    with st.spinner("Reading health at each month end…"):
        trend = reads.trend(engine, filters, reads.scored_day(info))
    exportable_chart(
        partial(verdict_trend, trend), "stall-trend", exportable=False, width="stretch"
    )
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
