"""Heatmaps: one builder (``heatmap``), the value printed in every cell, suppressed
cells grey and blank (the caption says how many), every row and column labelled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from components.ui.charts.palette import SEQUENTIAL, SUPPRESSED_COLOUR, LayeredChart

ROW_STEP = 36  # px per row: a 16 px label per row in presenter mode, none dropped


def heatmap(
    data: pd.DataFrame,
    x: alt.X,
    y: alt.Y,
    value: str,
    label: str,
    *,
    legend_title: str,
    tooltip: Sequence[Any],
    select_fields: Sequence[str] = (),
    legend_format: str | None = None,
) -> LayeredChart:
    """Cells coloured by ``value`` with ``label`` (text) printed on them.

    ``data`` carries a boolean ``suppressed``: those cells are drawn grey with no
    number.  ``select_fields`` makes a click select a cell (selection ``cell``).
    """
    base = alt.Chart(data).encode(x=x, y=y)
    colour = alt.condition(
        "datum.suppressed",
        alt.value(SUPPRESSED_COLOUR),
        alt.Color(
            f"{value}:Q",
            title=legend_title,
            scale=alt.Scale(scheme=SEQUENTIAL),
            legend=alt.Legend(format=legend_format or alt.Undefined, orient="right"),
        ),
    )
    # invalid=None: a suppressed cell has no value but must still be drawn (grey).
    cells = base.mark_rect(stroke="white", invalid=None).encode(color=colour, tooltip=list(tooltip))
    if select_fields:
        chosen = alt.selection_point(name="cell", fields=list(select_fields), on="click")
        cells = cells.encode(
            opacity=alt.condition(chosen, alt.value(1.0), alt.value(0.6))
        ).add_params(chosen)
    # Dark text on light cells, white on dark ones.
    text = base.mark_text().encode(
        text=f"{label}:N",
        color=alt.condition(
            f"datum['{value}'] > {_dark_from(data, value)}",
            alt.value("white"),
            alt.value("#1B1F23"),
        ),
    )
    return alt.layer(cells, text).properties(height=alt.Step(ROW_STEP))


def _dark_from(data: pd.DataFrame, value: str) -> float:
    """The value above which a cell is dark enough for white text (the top third)."""
    values = pd.to_numeric(data[value], errors="coerce").dropna()
    if values.empty:
        return 0.0
    low, high = float(values.min()), float(values.max())
    return low + (high - low) * 0.6


def _x_axis(field: str, title: str | None) -> alt.X:
    # Angled labels, every one drawn: they never touch at a band's width.
    return alt.X(
        field,
        title=title,
        axis=alt.Axis(labelAngle=-35, labelOverlap=False, labelLimit=160),
    )


def outcome_heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    outcome: str,
    outcome_label: str,
    x_title: str,
    y_title: str,
) -> LayeredChart:
    """What works: each combination's outcome printed in its cell; a click selects it."""
    fmt = "+.2f" if outcome == "rating_gain" else ".0%"
    data = frame.assign(
        label=[
            "" if hidden or pd.isna(value) else format(value, fmt)
            for hidden, value in zip(frame["suppressed"], frame[outcome], strict=True)
        ]
    )
    return heatmap(
        data,
        _x_axis(f"{x}:N", x_title),
        alt.Y(f"{y}:N", title=y_title),
        outcome,
        "label",
        legend_title=outcome_label,
        legend_format=fmt,
        select_fields=(x, y),
        tooltip=[
            alt.Tooltip(f"{x}:N", title=x_title),
            alt.Tooltip(f"{y}:N", title=y_title),
            alt.Tooltip(f"{outcome}:Q", title=outcome_label, format=fmt),
            alt.Tooltip("n:Q", title="Pairings"),
        ],
    )


def level_heatmap(frame: pd.DataFrame) -> LayeredChart:
    """Pairings by mentor level × mentee level, each count in its cell."""
    data = frame.assign(
        label=[
            "" if hidden else f"{int(n):,}"
            for hidden, n in zip(frame["suppressed"], frame["n"].fillna(0), strict=True)
        ]
    )
    return heatmap(
        data,
        alt.X("mentee_level:O", title="Mentee level", axis=alt.Axis(labelAngle=0)),
        alt.Y("mentor_level:O", title="Mentor level", sort="descending"),
        "n",
        "label",
        legend_title="Pairings",
        legend_format="d",
        tooltip=[
            alt.Tooltip("mentor_level:O", title="Mentor level"),
            alt.Tooltip("mentee_level:O", title="Mentee level"),
            alt.Tooltip("label:N", title="Pairings"),
        ],
    )


def share_heatmap(frame: pd.DataFrame, group_title: str) -> LayeredChart:
    """Feedback themes: theme × group cells coloured by the theme's share of the notes."""
    data = frame.assign(
        label=[
            "" if hidden or pd.isna(share) else f"{share:.0%}"
            for hidden, share in zip(frame["suppressed"], frame["share"], strict=True)
        ]
    )
    return heatmap(
        data,
        _x_axis("group:N", group_title),
        alt.Y("theme:N", title=None),
        "share",
        "label",
        legend_title="Share of notes",
        legend_format=".0%",
        tooltip=[
            alt.Tooltip("theme:N", title="Theme"),
            alt.Tooltip("group:N", title=group_title),
            alt.Tooltip("share:Q", title="Share", format=".0%"),
            alt.Tooltip("n:Q", title="Pairings"),
        ],
    )
