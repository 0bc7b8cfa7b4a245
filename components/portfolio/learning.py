"""Sections of the "Learning flows" and "Equity of access" pages."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.portfolio.outcomes import threshold
from components.ui.briefing import chart as exportable_chart
from components.ui.briefing import chart_or_say
from components.ui.cache import cached_query
from components.ui.charts import equity_bars, learning_flow_bars, level_heatmap
from components.ui.formatting import plain
from components.ui.shell import name_mask
from components.ui.tables import Column, show_table
from tandem.access.filters import Filters
from tandem.access.privacy import hidden_cells_note
from tandem.portfolio.equity import MEASURES, EquityReport, equity_report, has_groups
from tandem.portfolio.reciprocity import hidden_experts, learning_by_kind, level_matrix

# The table's headers, short enough for every measure to show at 1280 px (the
# charts above carry the full words, and so does each header's help).
_SHORT = {
    "mentor_share": "Mentors",
    "senior_mentor_share": "Senior mentor",
    "completion_rate": "Completion",
    "rating_gain": "Rating gain",
}


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
def _equity(engine: Engine, filters: Filters, limit: int, today: dt.date) -> EquityReport:
    return equity_report(engine, filters, threshold=limit, today=today)


def learning_both_ways(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    frame = _learning(engine, filters, limit)
    chart_or_say(
        frame,
        learning_flow_bars,
        "learning-both-ways",
        title="Learning in both directions, by pairing kind",
        empty="Not enough rated pairings under these filters to compare kinds.",
        caption=lambda: plain(
            "For each pairing kind, how much mentors say they learned next to the "
            "mentee's latest rating, both on the 1–5 scale: in reverse and reciprocal "
            "pairings the mentor's bar should come close. "
            + hidden_cells_note(frame, limit, "kind")
        ),
    )


def levels(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    frame = _levels(engine, filters, limit)
    if frame.empty:
        st.caption("No pairings match these filters.")
        return
    exportable_chart(
        partial(level_heatmap, frame), "levels", title="Who mentors whom, by level", width="stretch"
    )
    st.caption(
        plain(
            "Each cell counts the pairings with that mentor and mentee level. Cells above the "
            "diagonal are traditional mentoring (senior mentors); cells below it are learning "
            "flowing upwards. " + hidden_cells_note(frame, limit)
        )
    )


def experts(engine: Engine, filters: Filters) -> None:
    frame = name_mask().frame(_experts(engine, filters), {"name": "person_id"})
    if frame.empty:
        st.caption("Nobody mentors two or more people under these filters yet.")
        return
    show_table(
        frame,
        {
            "name": "Person",
            "divisions_reached": Column("Divisions reached", kind="count"),
            "levels_reached": Column("Levels reached", kind="count"),
            "mentees": Column("Mentees", kind="count"),
            "reverse_pairings": Column("Reverse pairings", kind="count"),
            "level": Column("Level", kind="count"),
            "division": "Division",
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
    report = _equity(engine, filters, limit, dt.date.today())
    frame = report.groups
    st.caption(
        "Each measure by group, every share on the same 0–100 % scale: look for a group "
        "whose bar stands apart from the dashed line, everyone under these filters (all "
        f"groups together, people who state none included). Groups with fewer than {limit} "
        "people, and figures drawn "
        f"from fewer than {limit} people or pairings, are hidden: never shown, in charts, "
        "tables or downloads. "
        + hidden_cells_note(frame, limit, "group").replace("pairings", "people")
    )
    columns = st.columns(2)
    for index, (measure, label) in enumerate(MEASURES.items()):
        with columns[index % 2]:
            st.markdown(f"**{label}**")
            if frame[measure].notna().any():
                exportable_chart(
                    partial(
                        equity_bars,
                        frame,
                        measure,
                        label,
                        reference=report.everyone[measure],
                        threshold=limit,
                    ),
                    f"equity-{measure}",
                    title=label,
                    width="stretch",
                )
            else:
                st.caption("Suppressed for every group.")
    show_table(
        frame,
        {
            "group": "Group",
            "people": Column("People", kind="count"),
            **{
                measure: Column(
                    _SHORT.get(measure, label),
                    kind="points" if measure == "rating_gain" else "percent",
                    digits=2,
                    help=label,
                )
                for measure, label in MEASURES.items()
            },
        },
    )
