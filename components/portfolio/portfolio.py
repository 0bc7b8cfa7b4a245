"""The portfolio table: paged, sorted and searched in SQL; rows open the pairing's story."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.cache import cached_query
from components.ui.formatting import NOT_COMPUTED, metric_row
from components.ui.paging import choose_page
from components.ui.pairing_links import open_selected_pairing
from components.ui.shell import name_mask
from components.ui.tables import Column, csv_download, show_table
from tandem.access.filters import Filters
from tandem.portfolio.headlines import headline_metrics
from tandem.portfolio.portfolio import SORT_KEYS, PortfolioPage, portfolio_export, portfolio_page
from tandem.program.downloads import csv_bytes
from tandem.program.models import PAIRING_STATUS_LABELS

PAGE_SIZE = 50
SORT_LABELS = {
    "health": "Health",
    "mentor": "Mentor",
    "mentee": "Mentee",
    "cohort": "Cohort",
    "status": "Status",
    "start_date": "Start date",
    "meetings": "Meetings held",
    "milestone_progress": "Milestone progress",
    "latest_rating": "Latest rating",
}


@cached_query
def _page(
    engine: Engine,
    filters: Filters,
    today: dt.date,
    search: str,
    sort: str,
    descending: bool,
    offset: int,
) -> PortfolioPage:
    return portfolio_page(
        engine,
        filters,
        today=today,
        search=search,
        sort=sort,
        descending=descending,
        limit=PAGE_SIZE,
        offset=offset,
    )


@cached_query
def _headlines(engine: Engine, filters: Filters, today: dt.date):
    return headline_metrics(engine, filters, today)


def headlines(engine: Engine, filters: Filters) -> None:
    period, metrics = _headlines(engine, filters, dt.date.today())
    st.caption(f"Period {period.describe()}, compared with {period.previous.describe()}.")
    metric_row(metrics, "the previous period")


def _display(rows: pd.DataFrame) -> pd.DataFrame:
    meetings = [
        f"{held} of {expected}"
        for held, expected in zip(rows.meetings, rows.meetings_expected, strict=False)
    ]
    health = [
        NOT_COMPUTED if pd.isna(value) else f"{value:.0f}" + (" · stalled" if stalled else "")
        for value, stalled in zip(rows.health, rows.stalled.fillna(False), strict=False)
    ]
    return rows.assign(health_shown=health, meetings_shown=meetings)


# The columns a sponsor came for first (names, health, rating, status), the rest after.
COLUMNS = {
    "mentor": Column("Mentor"),
    "mentee": Column("Mentee"),
    "health_shown": Column(
        "Health",
        width="small",
        help="0–100; below the at-risk line the pairing needs a lead's attention",
    ),
    "latest_rating": Column(
        "Rating",
        kind="decimal",
        width="small",
        help="Mean of the latest check-in's four ratings (1–5)",
    ),
    "status": Column("Status", kind="code", codes=PAIRING_STATUS_LABELS, width="small"),
    "milestone_progress": Column(
        "Milestones",
        kind="progress",
        width="small",
        help="Share of the learning contract's milestones done",
    ),
    "meetings_shown": Column("Meetings", width="small", help="Held of due so far"),
    "months_running": Column("Months", kind="decimal", width="small"),
    "cohort": Column("Cohort"),
    "kind": Column("Kind", width="small"),
}


def _downloadable(frame: pd.DataFrame, *, presenting: bool) -> pd.DataFrame:
    """The export's columns; in presenter mode no ids and no free text."""
    dropped = ["stalled"]
    if presenting:
        dropped += ["pairing_id", "mentor_id", "mentee_id", "objective", "reasons"]
    return frame.drop(columns=dropped, errors="ignore")


def portfolio_table(engine: Engine, filters: Filters) -> None:
    search_col, sort_col, order_col = st.columns([3, 2, 1])
    # In presenter mode a search by real name would reveal whose pseudonym is whose.
    search = search_col.text_input(
        "Search",
        placeholder="Name, cohort, objective or pairing id",
        max_chars=200,
        disabled=name_mask().active,
    )
    sort = sort_col.selectbox("Sort by", SORT_KEYS, format_func=SORT_LABELS.__getitem__)
    descending = order_col.toggle("Descending", value=False)
    probe = _page(engine, filters, dt.date.today(), search, sort, descending, 0)
    if probe.total == 0:
        st.info("No pairings match these filters. Widen them in the sidebar or clear them.")
        return
    chosen = choose_page(probe.total, PAGE_SIZE, key="portfolio_page")
    page = (
        probe
        if chosen.number == 1
        else _page(engine, filters, dt.date.today(), search, sort, descending, chosen.start)
    )
    mask = name_mask()
    people = {"mentor": "mentor_id", "mentee": "mentee_id"}
    st.caption(f"{chosen.span('Pairings')}. Select a row to open that pairing's story.")
    event = show_table(
        _display(mask.frame(page.rows, people)),
        COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        key=f"portfolio_grid_{chosen.number}",
    )
    open_selected_pairing(event, page.rows)
    csv_download(
        "Download these pairings (CSV)",
        lambda: csv_bytes(
            _downloadable(mask.frame(frame, people), presenting=mask.active)
            for frame in portfolio_export(engine, filters, search=search)
        ),
        "tandem-portfolio.csv",
    )
