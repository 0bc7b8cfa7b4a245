"""Pieces of the Overview page: headline numbers, health, burn-up, themes, the queue, cohorts.

Each section reads through one cached core function (``tandem.portfolio.overview``)
under the filter bar's ``Filters`` and ends with a link to the page that has the
whole story.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui.briefing import briefing_button
from components.ui.briefing import chart as exportable_chart
from components.ui.cache import cached_query
from components.ui.charts import burn_up_chart, health_distribution
from components.ui.formatting import date_range_text, date_text
from components.ui.pairing_links import open_selected_pairing
from components.ui.tables import Column, show_table
from tandem.access import Scope, Viewer
from tandem.access.filters import Filters
from tandem.access.privacy import SUPPRESSED_NOTE, threshold_for
from tandem.portfolio import overview as core
from tandem.portfolio.briefing import format_headline
from tandem.portfolio.overview import ProgramTotals, pairings_by_cohort, program_totals

LINKS = {
    "portfolio": ("pages/portfolio.py", "Every pairing in Portfolio", ":material/table:"),
    "stalled": ("pages/stalled.py", "The Stalled pairings queue", ":material/crisis_alert:"),
    "health": ("pages/stalled.py", "Health trend and formula", ":material/monitor_heart:"),
    "milestones": ("pages/milestones.py", "Milestone progress by cohort", ":material/flag:"),
    "themes": ("pages/themes.py", "All feedback themes", ":material/forum:"),
}


@cached_query
def _totals(engine: Engine, scope: Scope) -> ProgramTotals:
    return program_totals(engine, scope)


@cached_query
def _cohorts(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    rows = pairings_by_cohort(engine, filters, today)
    return pd.DataFrame(rows, columns=["Cohort", "Program type", "Pairings", "Running"])


@cached_query
def _headlines(engine: Engine, filters: Filters, today: dt.date) -> core.OverviewHeadlines:
    return core.overview_headlines(engine, filters, today)


@cached_query
def _health(engine: Engine, filters: Filters, viewer: Viewer) -> core.HealthBands:
    return core.health_bands(engine, filters, viewer)


@cached_query
def _burn_up(engine: Engine, filters: Filters, threshold: int) -> tuple[pd.DataFrame, int]:
    return core.program_burn_up(engine, filters, threshold=threshold)


@cached_query
def _themes(
    engine: Engine, filters: Filters, threshold: int, today: dt.date
) -> tuple[pd.DataFrame, str]:
    moves, span = core.theme_moves(engine, filters, threshold=threshold, today=today)
    return moves, (
        f"{date_range_text(span.current_start, span.current_end)} against "
        f"{date_range_text(span.previous_start, span.previous_end)}"
    )


@cached_query
def _queue(engine: Engine, filters: Filters) -> pd.DataFrame:
    return core.needs_a_lead(engine, filters)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _too_small(hidden: int, what: str, limit: int, fate: str) -> str:
    """The caption's words for the ``hidden`` groups (``what``) too small to show ("" if
    none): " 2 bands with fewer than 5 pairings hidden (–)."."""
    return f" {_plural(hidden, what)} with fewer than {limit} pairings {fate}." if hidden else ""


def _link(viewer: Viewer, name: str) -> None:
    script, label, icon = LINKS[name]
    if viewer.may_open(Path(script).stem):
        st.page_link(script, label=label, icon=icon)


def program_is_empty(engine: Engine, scope: Scope) -> bool:
    return _totals(engine, scope).is_empty


def empty_program_notice(viewer: Viewer) -> None:
    st.info(
        "**No program here yet.** This database has no people or pairings.\n\n"
        + (
            "Import a bundle on the Admin page: a .zip of the bundle's CSV files, or the "
            "CSV files themselves (see the README for the format)."
            if viewer.can("import")
            else "An admin can import the program's bundle on the Admin page."
        ),
        icon=":material/waving_hand:",
    )
    if viewer.can("import"):
        st.page_link("pages/admin.py", label="Import a bundle", icon=":material/upload:")


def headline_row(engine: Engine, filters: Filters) -> core.OverviewHeadlines:
    """Six numbers, each with its change against what the caption names."""
    headlines = _headlines(engine, filters, dt.date.today())
    period = headlines.period
    before = headlines.verdicts_before
    against = {
        "Stalled": f"the month end {date_text(before.month_end)}" if before else None,
        "At risk": f"the month end {date_text(before.month_end)}" if before else None,
    }
    previous = date_range_text(period.previous.start, period.previous.end)
    columns = st.columns(len(headlines.metrics))
    for column, metric in zip(columns, headlines.metrics, strict=True):
        compared = against.get(metric.label, previous)
        column.metric(
            metric.label,
            metric.shown,
            delta=metric.change_shown if compared else None,
            # More stalled or at-risk pairings is worse: red when it rises.
            delta_color="inverse" if metric.label in against else "normal",
            help=f"{metric.help} Change against {compared or 'no earlier snapshot'}.",
        )
    verdicts = (
        f"stalled and at risk with the stored month end {date_text(before.month_end)}"
        if before
        else "stalled and at risk are not compared (no earlier health snapshot is stored)"
    )
    st.caption(
        f"{date_range_text(period.start, period.end)} compared with {previous}; "
        f"{verdicts}. Set the period with From and To in the filters."
    )
    return headlines


def health_section(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.subheader("Health")
    limit = threshold_for(engine, viewer)
    picture = _health(engine, filters, viewer)
    if picture.scored == 0:
        _no_health_chart(picture, limit, viewer)
        return
    exportable_chart(
        partial(health_distribution, picture.bands, picture.at_risk_below),
        "health-bands",
        title="Health of the running pairings",
        width="stretch",
    )
    bands = (
        f"health bands joined until each holds {limit} or more (10-point bands would "
        "have been too small to show)"
        if picture.coarsened
        else "health band"
    )
    st.caption(
        f"{_plural(picture.scored, 'scored pairing')} by {bands}: stalled in red, at risk "
        f"in amber, under the dashed at-risk line of {picture.at_risk_below:g}."
        + _too_small(picture.suppressed, "band", limit, "hidden (–)")
    )
    _link(viewer, "health")


def _no_health_chart(picture: core.HealthBands, limit: int, viewer: Viewer) -> None:
    """Why there is no health chart, in words, and where to act on it."""
    if not picture.computed:
        st.info(
            "Health has not been computed yet for this program"
            + (
                ": recompute it on the Stalled pairings page."
                if viewer.can("edit_flags") or viewer.can("tune_rules")
                else "; a program lead or an admin can compute it."
            ),
            icon=":material/monitor_heart:",
        )
        if viewer.may_open("stalled") and not viewer.presenting:
            st.page_link(
                LINKS["health"][0],
                label="Compute health on Stalled pairings",
                icon=":material/refresh:",
            )
        return
    if picture.suppressed:
        st.caption(
            f"Fewer than {limit} pairings under these filters have a health score: too few "
            "to chart without pointing at individual pairs. Widen or clear the filters to "
            "see the distribution."
        )
    else:
        st.caption("No running pairing under these filters has a health score.")
    _link(viewer, "health")


def milestones_section(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.subheader("Milestones")
    limit = threshold_for(engine, viewer)
    frame, hidden = _burn_up(engine, filters, limit)
    if frame.empty:
        st.caption("No milestones under these filters yet.")
    else:
        exportable_chart(
            partial(burn_up_chart, frame),
            "burn-up",
            title="Milestones due and completed",
            width="stretch",
        )
        st.caption(
            "Milestones due by each month (the plan) against those completed, every cohort "
            "together, as shares of all its milestones (each line ends in its count): the "
            "gap between the lines is work behind plan."
            + _too_small(hidden, "cohort", limit, "left out")
        )
    _link(viewer, "milestones")


def themes_section(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.subheader("Feedback themes rising and falling")
    limit = threshold_for(engine, viewer)
    moves, periods = _themes(engine, filters, limit, dt.date.today())
    if moves.empty:
        st.caption("No theme has notes enough in both periods to compare yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Theme": moves["theme"],
                    "Trend": moves["direction"],
                    "Share now": moves["share_current"] * 100,
                    "Before": moves["share_previous"] * 100,
                    "Change": moves["change"],
                }
            ),
            hide_index=True,
            width="content",
            column_config={
                "Theme": st.column_config.TextColumn("Theme", width="large"),
                "Share now": st.column_config.NumberColumn("Share now", format="%.0f%%"),
                "Before": st.column_config.NumberColumn("Before", format="%.0f%%"),
                "Change": st.column_config.NumberColumn("Change", format="%+.1f pts"),
            },
        )
        st.caption(
            f"Share of feedback notes per theme, {periods}: the themes that rose "
            f"most and fell most. {SUPPRESSED_NOTE.format(threshold=limit) if limit else ''}"
        )
    _link(viewer, "themes")


def needs_a_lead_section(engine: Engine, filters: Filters, viewer: Viewer, total: int) -> None:
    st.subheader("Pairings that need a lead")
    rows = _queue(engine, filters)
    if rows.empty:
        st.success("No pairing is stalled or at risk under these filters.")
        _link(viewer, "stalled")
        return
    health = [
        f"{value:.0f} · {verdict.lower()}" if pd.notna(value) else verdict
        for value, verdict in zip(rows["health"], rows["verdict"], strict=True)
    ]
    # Widths that fit the main column at 1280 px, long names wrapping in them: sized
    # to their content, the names pushed "Why" out of sight.
    event = show_table(
        rows.assign(health_text=health),
        {
            "pair": Column("Pairing", width=200, wrap=True),
            "cohort": Column("Cohort", width=200, wrap=True),
            "health_text": Column("Health", width=95),
            "why": Column("Why", wrap=True),
        },
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="overview_needs_a_lead",
    )
    open_selected_pairing(event, rows)
    shown = (
        ("The one pairing" if total == 1 else f"All {total:,} pairings")
        if len(rows) >= total
        else f"The {len(rows):,} worst of {_plural(total, 'pairing')}"
    )
    st.caption(
        f"{shown} stalled or at risk, stalled first, lowest health first. "
        "Select a row to open its story."
    )
    _link(viewer, "stalled" if viewer.may_open("stalled") else "portfolio")


def cohort_table(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    st.subheader("Cohorts")
    frame = _cohorts(engine, filters, dt.date.today())
    if frame.empty:
        st.caption("No cohorts under these filters: pairings are not grouped into waves yet.")
    else:
        frame["Program type"] = frame["Program type"].str.title()
        st.dataframe(frame, hide_index=True, width="stretch")
        st.caption("Running: active or paused today, as in the headline above.")
    _link(viewer, "portfolio")


def overview_briefing(engine: Engine, filters: Filters, headlines: core.OverviewHeadlines) -> None:
    briefing_button(
        engine,
        "Overview",
        filters,
        headlines=[format_headline(metric) for metric in headlines.metrics],
    )
