"""The "What works" page's pieces: outcome charts whose cells filter the portfolio."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.briefing import chart as exportable_chart
from components.ui.cache import cached_query
from components.ui.charts import outcome_bars, outcome_heatmap, padded_domain
from components.ui.filter_bar import set_filters
from components.ui.formatting import plain
from tandem.access.filters import Filters
from tandem.access.privacy import (
    SUPPRESSED_NOTE,
    hidden_cells_note,
    mostly_suppressed,
    privacy_threshold,
)
from tandem.portfolio.outcomes import (
    DIMENSIONS,
    OUTCOMES,
    breakdowns,
    drill_down,
    program_line,
)
from tandem.program.models import KIND_LABELS

PORTFOLIO_PAGE = "pages/portfolio.py"


@cached_query
def _breakdowns(
    engine: Engine, filters: Filters, threshold: int, today: dt.date
) -> dict[str, pd.DataFrame]:
    """Every breakdown of the page and the program line, in one statement."""
    return breakdowns(engine, filters, threshold=threshold, today=today)


def _outcomes(
    engine: Engine, filters: Filters, dimension: str, threshold: int, today: dt.date
) -> pd.DataFrame:
    return _breakdowns(engine, filters, threshold, today)[dimension]


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


CODE_WORDS = {
    "kind": KIND_LABELS,
    "geography": {"same": "Same geography", "different": "Different geography"},
}
BAR_DIMENSIONS = ("level_gap", "geography", "kind", "cohort")
CAPTIONS = {
    "level_gap": "By how many levels the mentor is senior to the mentee (negative: the "
    "mentee is senior)",
    "geography": "Whether mentor and mentee work in the same geography",
    "kind": "By pairing kind",
    "cohort": "By cohort",
    "mentor_division": "By the mentor's division",
    "mentee_division": "By the mentee's division",
}


def _program(engine: Engine, filters: Filters, threshold: int, today: dt.date) -> dict:
    return program_line(_breakdowns(engine, filters, threshold, today))


def _shared_domain(engine: Engine, filters: Filters, outcome: str) -> tuple[float, float] | None:
    """One scale for every bar chart of the page (rates have theirs: 0–100 %)."""
    if outcome != "rating_gain":
        return None
    limit, today = threshold(engine), dt.date.today()
    values: list[float | None] = [_program(engine, filters, limit, today)[outcome]]
    for dimension in (*BAR_DIMENSIONS, "mentor_division", "mentee_division"):
        values += list(_outcomes(engine, filters, dimension, limit, today)[outcome])
    return padded_domain(values)


def _draw(
    engine: Engine, filters: Filters, dimension: str, outcome: str, frame: pd.DataFrame
) -> None:
    """One outcome chart, drawn and exportable; a click on a cell or bar drills down."""
    spec = DIMENSIONS[dimension]
    limit, label = threshold(engine), OUTCOMES[outcome]
    reference = _program(engine, filters, limit, dt.date.today())[outcome]
    if len(spec.columns) == 2:
        draw = partial(
            outcome_heatmap,
            frame,
            *spec.columns,
            outcome,
            label,
            "Mentor division",
            "Mentee division",
        )
    else:
        draw = partial(
            outcome_bars,
            frame,
            spec.columns[0],
            outcome,
            label,
            spec.label,
            domain=_shared_domain(engine, filters, outcome),
            category_labels=CODE_WORDS.get(dimension),
            reference=reference,
            threshold=limit,
        )
    event = exportable_chart(
        draw,
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


def _caption(engine: Engine, frame: pd.DataFrame, dimension: str, what: str = "group") -> None:
    limit = threshold(engine)
    text = CAPTIONS[dimension] + ", against the whole program (the dashed line)."
    pooled = frame[frame["pooled"]]
    if len(pooled):  # the core pooled most groups: say which view this is
        row = pooled.iloc[0]
        groups = int(row["groups"])
        text += (
            f" {groups} of {groups + len(frame) - 1} groups cover fewer than {limit} pairings "
            f"each, so they are shown together as “{row[DIMENSIONS[dimension].columns[0]]}”"
            + (
                f" ({int(row['n']):,} pairings)."
                if not row["suppressed"]
                else f", and even together they are fewer than {limit}: hidden."
            )
        )
        frame = frame[~frame["pooled"]]
    st.caption(plain(" ".join(p for p in (text, hidden_cells_note(frame, limit, what)) if p)))


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
    if dimension == "division_pair" and mostly_suppressed(frame):
        _divisions_one_at_a_time(engine, filters, outcome, frame)
        return
    _draw(engine, filters, dimension, outcome, frame)
    if len(spec.columns) == 2:
        st.caption(
            plain(
                f"Each cell is the {OUTCOMES[outcome].lower()} of the pairings with that mentor "
                "and mentee division; darker is higher. Click a cell to see its pairings. "
                + hidden_cells_note(frame, limit, "combination")
            )
        )
    else:
        _caption(engine, frame, dimension)


def _divisions_one_at_a_time(
    engine: Engine, filters: Filters, outcome: str, pairs: pd.DataFrame
) -> None:
    """The coarser view: most division pairs are too small to show, so each side alone."""
    limit = threshold(engine)
    st.caption(
        plain(
            f"{int(pairs['suppressed'].sum())} of {len(pairs)} mentor × mentee division "
            f"combinations cover fewer than {limit} pairings, so each side is shown on its "
            "own instead: by mentor division, then by mentee division."
        )
    )
    columns = st.columns(2)
    for column, dimension in zip(columns, ("mentor_division", "mentee_division"), strict=True):
        with column:
            frame = _outcomes(engine, filters, dimension, limit, dt.date.today())
            st.markdown(f"**By {DIMENSIONS[dimension].label.lower()}**")
            if frame.empty or frame["suppressed"].all():
                st.caption(hidden_cells_note(frame, limit, "division") or "No pairings.")
                continue
            _draw(engine, filters, dimension, outcome, frame)
            _caption(engine, frame, dimension, "division")
