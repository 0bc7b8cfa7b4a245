"""The "What works" page's pieces: outcome charts whose cells filter the portfolio."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.briefing import chart as exportable_chart
from components.ui.cache import cached_query
from components.ui.charts import outcome_bars, outcome_heatmap
from components.ui.filter_bar import set_filters
from tandem.access.filters import Filters
from tandem.access.privacy import SUPPRESSED_NOTE, privacy_threshold
from tandem.portfolio.outcomes import DIMENSIONS, OUTCOMES, drill_down, outcomes_by

PORTFOLIO_PAGE = "pages/portfolio.py"


@cached_query
def _outcomes(
    engine: Engine, filters: Filters, dimension: str, threshold: int, today: dt.date
) -> pd.DataFrame:
    return outcomes_by(engine, filters, dimension, threshold=threshold, today=today)


@cached_query
def _threshold(engine: Engine) -> int:
    return privacy_threshold(engine)


def threshold(engine: Engine) -> int:
    return _threshold(engine)


def choose_outcome() -> str:
    return st.segmented_control(
        "Outcome",
        list(OUTCOMES),
        format_func=OUTCOMES.__getitem__,
        default="completion_rate",
        required=True,
    )


def _selected_point(event: Any) -> dict[str, Any] | None:
    selection = getattr(event, "selection", None) or {}
    points = selection.get("cell") if isinstance(selection, dict) else None
    return points[0] if points else None


def outcome_section(engine: Engine, filters: Filters, dimension: str, outcome: str) -> None:
    spec = DIMENSIONS[dimension]
    limit = threshold(engine)
    frame = _outcomes(engine, filters, dimension, limit, dt.date.today())
    st.markdown(f"**{spec.label}**")
    if frame.empty:
        st.caption("No pairings match these filters.")
        return
    if frame["suppressed"].all():
        st.caption(SUPPRESSED_NOTE.format(threshold=limit) + " Every group here is that small.")
        return
    label = OUTCOMES[outcome]
    if len(spec.columns) == 2:
        chart = outcome_heatmap(
            frame,
            spec.columns[0],
            spec.columns[1],
            outcome,
            label,
            "Mentor division",
            "Mentee division",
        )
    else:
        chart = outcome_bars(frame, spec.columns[0], outcome, label, spec.label)
    event = exportable_chart(
        chart,
        f"what-works-{dimension}",
        title=spec.label,
        width="stretch",
        on_select="rerun",
        selection_mode="cell",
        key=f"chart_{dimension}",
    )
    point = _selected_point(event)
    if point:
        if dimension == "cohort":
            match = frame[frame["cohort"] == point.get("cohort")]
            point = {**point, "cohort_id": match["cohort_id"].iloc[0] if len(match) else None}
        set_filters(drill_down(filters, dimension, point))
        st.switch_page(PORTFOLIO_PAGE)
    if frame["suppressed"].any():
        st.caption(SUPPRESSED_NOTE.format(threshold=limit))
