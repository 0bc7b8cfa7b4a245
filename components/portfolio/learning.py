"""Sections of the "Learning flows" and "Equity of access" pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.portfolio.outcomes import threshold
from components.ui.briefing import chart as exportable_chart
from components.ui.cache import cached_query
from components.ui.charts import equity_bars, learning_flow_bars, level_heatmap
from components.ui.shell import name_mask
from tandem.access.filters import Filters
from tandem.access.privacy import SUPPRESSED_NOTE
from tandem.portfolio.equity import MEASURES, equity_by_group, has_groups
from tandem.portfolio.reciprocity import hidden_experts, learning_by_kind, level_matrix


@cached_query
def _learning(engine: Engine, filters: Filters, limit: int) -> pd.DataFrame:
    return learning_by_kind(engine, filters, threshold=limit)


@cached_query
def _levels(engine: Engine, filters: Filters, limit: int) -> pd.DataFrame:
    return level_matrix(engine, filters, threshold=limit)


@cached_query
def _experts(engine: Engine, filters: Filters) -> pd.DataFrame:
    return hidden_experts(engine, filters)


@cached_query
def _equity(engine: Engine, filters: Filters, limit: int, today: dt.date) -> pd.DataFrame:
    return equity_by_group(engine, filters, threshold=limit, today=today)


def _note_if_suppressed(frame: pd.DataFrame, limit: int) -> None:
    if not frame.empty and frame["suppressed"].any():
        st.caption(SUPPRESSED_NOTE.format(threshold=limit))


def learning_both_ways(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    frame = _learning(engine, filters, limit)
    if frame.empty or frame["suppressed"].all():
        st.caption("Not enough rated pairings under these filters to compare kinds.")
    else:
        exportable_chart(
            learning_flow_bars(frame),
            "learning-both-ways",
            title="Learning in both directions, by pairing kind",
            width="stretch",
        )
    _note_if_suppressed(frame, limit)


def levels(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    frame = _levels(engine, filters, limit)
    if frame.empty:
        st.caption("No pairings match these filters.")
        return
    exportable_chart(
        level_heatmap(frame), "levels", title="Who mentors whom, by level", width="stretch"
    )
    st.caption(
        "Cells above the diagonal are traditional mentoring (senior mentors); cells below "
        "it are learning flowing upwards. " + SUPPRESSED_NOTE.format(threshold=limit)
    )


def experts(engine: Engine, filters: Filters) -> None:
    frame = name_mask().frame(_experts(engine, filters), {"name": "person_id"})
    if frame.empty:
        st.caption("Nobody mentors two or more people under these filters yet.")
        return
    st.dataframe(
        frame.drop(columns=["person_id"]),
        hide_index=True,
        column_config={
            "name": "Person",
            "level": "Level",
            "division": "Division",
            "divisions_reached": "Divisions reached",
            "levels_reached": "Levels reached",
            "mentees": "Mentees",
            "reverse_pairings": "Reverse pairings",
        },
    )


def equity(engine: Engine, filters: Filters) -> None:
    if not has_groups(engine):
        st.info(
            "Nobody in this program carries the optional `group` column, so there is "
            "nothing to compare. Add it to people.csv to report equity of access."
        )
        return
    limit = threshold(engine)
    frame = _equity(engine, filters, limit, dt.date.today())
    st.caption(
        f"Groups with fewer than {limit} people, and figures drawn from fewer than {limit} "
        "people or pairings, are suppressed: never shown, in charts, tables or downloads."
    )
    columns = st.columns(2)
    for index, (measure, label) in enumerate(MEASURES.items()):
        with columns[index % 2]:
            st.markdown(f"**{label}**")
            if frame[measure].notna().any():
                exportable_chart(
                    equity_bars(frame, measure, label),
                    f"equity-{measure}",
                    title=label,
                    width="stretch",
                )
            else:
                st.caption("Suppressed for every group.")
    # Shares shown as whole percentages (the "percent" preset prints 61.7% next
    # to 48.28%); a suppressed figure is an empty cell, not "None".
    shown = frame.copy()
    for measure in MEASURES:
        values = pd.to_numeric(shown[measure], errors="coerce")
        shown[measure] = values if measure == "rating_gain" else values * 100
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "group": "Group",
            "people": st.column_config.NumberColumn("People", format="%d"),
            "suppressed": "Suppressed",
            **{
                measure: st.column_config.NumberColumn(
                    label, format="%+.2f" if measure == "rating_gain" else "%.0f%%"
                )
                for measure, label in MEASURES.items()
            },
        },
    )
