"""Pieces of the Overview page: headline numbers and the cohort list."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.cache import cached_query
from tandem.access import Scope
from tandem.portfolio.overview import ProgramTotals, pairings_by_cohort, program_totals


@cached_query
def _totals(engine: Engine, scope: Scope) -> ProgramTotals:
    return program_totals(engine, scope)


@cached_query
def _cohorts(engine: Engine, scope: Scope) -> pd.DataFrame:
    rows = pairings_by_cohort(engine, scope)
    return pd.DataFrame(rows, columns=["Cohort", "Program type", "Pairings", "Active"])


def totals_row(engine: Engine, scope: Scope) -> ProgramTotals:
    totals = _totals(engine, scope)
    columns = st.columns(5)
    columns[0].metric("People", f"{totals.people:,}")
    columns[1].metric("Cohorts", f"{totals.cohorts:,}")
    columns[2].metric(
        "Active pairings", f"{totals.active_pairings:,}", help=f"{totals.pairings:,} in all"
    )
    columns[3].metric("Check-ins, last 90 days", f"{totals.checkins_last_90_days:,}")
    done_share = totals.milestones_done / totals.milestones if totals.milestones else 0.0
    columns[4].metric(
        "Milestones done",
        f"{done_share:.0%}",
        help=f"{totals.milestones_done:,} of {totals.milestones:,} milestones",
    )
    return totals


def empty_program_notice() -> None:
    st.info(
        "**No program here yet.** This database has no people or pairings.\n\n"
        "- Try Tandem with a demo program: `python -m tandem demo`\n"
        "- Or bring your own: `python -m tandem import path/to/bundle` "
        "(a folder or .zip of CSV files, see the README)",
        icon=":material/waving_hand:",
    )


def cohort_table(engine: Engine, scope: Scope) -> None:
    frame = _cohorts(engine, scope)
    if frame.empty:
        st.caption("No cohorts defined: pairings are not grouped into waves yet.")
        return
    st.dataframe(frame, hide_index=True, width="stretch")
