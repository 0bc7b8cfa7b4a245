"""Sections of the Milestone progress page."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.portfolio.outcomes import threshold
from components.ui.briefing import chart as exportable_chart
from components.ui.cache import cached_query
from components.ui.charts import burn_up_chart, milestone_gantt, rate_bars
from components.ui.formatting import plural
from components.ui.paging import Page, choose_page, frame_page
from components.ui.pairing_links import open_selected_pairing
from components.ui.shell import name_mask
from components.ui.tables import Column, code_words, csv_download, header, show_table
from tandem.access import Scope
from tandem.access.filters import Filters
from tandem.portfolio import milestone_progress as progress
from tandem.portfolio.portfolio import filter_options
from tandem.program.downloads import csv_bytes
from tandem.program.models import KIND_LABELS, PAIRING_STATUS_LABELS

GANTT_PAGE_SIZE = 25
UPCOMING_COLUMNS: dict[str, Column | str] = {
    "due_date": Column("Due", kind="date"),
    # Widths that keep the people and the criteria in view at 1280 px, text wrapping.
    "title": Column("Milestone", width=210, wrap=True),
    "success_criteria": Column("Success criteria", width=250, wrap=True),
    "status_label": Column("Status", width="small"),
    "days_left": Column("Days left", kind="count", width="small"),
}
PEOPLE = {"mentor": "mentor_id", "mentee": "mentee_id"}


@cached_query
def _burn_up(engine: Engine, filters: Filters, limit: int) -> tuple[pd.DataFrame, int]:
    return progress.burn_up(engine, filters, threshold=limit)


@cached_query
def _rates(
    engine: Engine, filters: Filters, dimension: str, limit: int, today: dt.date
) -> pd.DataFrame:
    return progress.completion_rates(engine, filters, dimension, threshold=limit, today=today)


@cached_query
def _program(engine: Engine, filters: Filters, limit: int, today: dt.date) -> float | None:
    return progress.program_completion(engine, filters, threshold=limit, today=today)


@cached_query
def _at_risk(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    return progress.at_risk_pairings(engine, filters, today=today)


@cached_query
def _upcoming(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    return progress.upcoming(engine, filters, today=today)


@cached_query
def _gaps(engine: Engine, filters: Filters) -> pd.DataFrame:
    return progress.contract_gaps(engine, filters)


@cached_query
def _timeline(
    engine: Engine, cohort_id: str, scope: Scope, today: dt.date, offset: int
) -> tuple[pd.DataFrame, int]:
    return progress.timeline(
        engine, cohort_id, scope, today=today, limit=GANTT_PAGE_SIZE, offset=offset
    )


def burn_up(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    frame, hidden = _burn_up(engine, filters, limit)
    if frame.empty and not hidden:
        st.info("No milestones under these filters yet.")
        return
    words = ""
    if not frame.empty:
        exportable_chart(partial(burn_up_chart, frame), "burn-up", title="Burn-up by cohort")
        words = (
            "Milestones due so far (the plan, dashed) against milestones completed (solid), "
            "month by month, as shares of each cohort's milestones so that every cohort "
            "reads on the same scale whatever its size; each line ends in its count. A "
            "widening gap is work falling behind."
        )
    if hidden:
        words += (
            f" {plural(hidden, 'cohort')} with fewer than {limit} pairings "
            f"{'is' if hidden == 1 else 'are'} not shown (privacy threshold)."
        )
    st.caption(words.strip())


def completion(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    today = dt.date.today()
    program = _program(engine, filters, limit, today)
    hidden = 0
    # One below the other, full width: cohort names are long, and the three share a scale.
    for dimension, label in progress.COMPLETION_DIMENSIONS.items():
        st.markdown(f"**By {label.lower()}**")
        frame = _rates(engine, filters, dimension, limit, today)
        if frame.empty:
            st.caption("Nothing due yet.")
        elif frame["suppressed"].all():
            # A chart of nothing but "hidden" labels says less than a sentence.
            hidden += len(frame)
            st.caption(
                f"Every {label.lower()} has fewer than {limit} pairings with a milestone "
                "due: hidden to protect confidentiality."
            )
        else:
            hidden += int(frame["suppressed"].sum())
            if dimension == "kind":
                frame = frame.assign(group=[code_words(g, KIND_LABELS) for g in frame["group"]])
            exportable_chart(
                partial(rate_bars, frame, "Done of due", reference=program, threshold=limit),
                f"completion-{dimension}",
                title=f"Completion by {label.lower()}",
                width="stretch",
            )
    program_words = f" The dashed line is the whole program ({program:.0%})." if program else ""
    hidden_words = (
        f" {plural(hidden, 'group')} with fewer than {limit} pairings "
        f"{'is' if hidden == 1 else 'are'} hidden to protect confidentiality."
        if hidden
        else ""
    )
    st.caption(
        "Milestones done of those due so far, per group, all on one 0–100 % scale: look for "
        "the bars short of the program line." + program_words + hidden_words
    )


def _listed(
    frame: pd.DataFrame, key: str, *, none: str, which: str
) -> tuple[pd.DataFrame, Page] | None:
    """A list of running pairings introduced and paged: None, having said ``none``
    (good news), when it has no row; else the rows of the page shown, having said how
    many running pairings ``which`` it lists."""
    if frame.empty:
        st.success(none)
        return None
    st.caption(f"{plural(len(frame), 'running pairing')} {which}")
    return frame_page(frame, key=key, noun="Pairings")


def at_risk(engine: Engine, filters: Filters) -> None:
    frame = name_mask().frame(_at_risk(engine, filters, dt.date.today()), PEOPLE)
    listed = _listed(
        frame,
        "milestones_at_risk_page",
        none="No running pairing has an overdue milestone.",
        which="with a milestone past its due date, most overdue first; select a row to "
        "open the pairing.",
    )
    if listed is None:
        return
    shown, page = listed
    event = show_table(
        shown,
        {
            "mentor": "Mentor",
            "mentee": "Mentee",
            "overdue": Column("Overdue", kind="count", width="small"),
            "days_overdue": Column("Oldest overdue (days)", kind="count", width=160),
            "milestones": Column("Milestones", kind="count", width="small"),
            "cohort": "Cohort",
        },
        on_select="rerun",
        selection_mode="single-row",
        key=f"milestones_at_risk_{page.number}",
    )
    open_selected_pairing(event, shown)
    csv_download(
        "Download pairings with overdue milestones (CSV)",
        lambda: csv_bytes(
            frame[["pairing_id", "mentor", "mentee", "cohort", "overdue", "days_overdue"]]
        ),
        "tandem-overdue-milestones.csv",
    )


def timeline(engine: Engine, scope: Scope) -> None:
    cohorts = filter_options(engine, scope)["cohorts"]
    if not cohorts:
        st.caption("No cohorts defined.")
        return
    names = dict(cohorts)
    cohort_id = st.selectbox("Cohort", list(names), format_func=names.__getitem__)
    first, total = _timeline(engine, cohort_id, scope, dt.date.today(), 0)
    if total == 0:
        st.caption("This cohort has no pairings yet.")
        return
    page = choose_page(total, GANTT_PAGE_SIZE, key=f"gantt_{cohort_id}")
    frame = (
        first
        if page.number == 1
        else _timeline(engine, cohort_id, scope, dt.date.today(), page.start)[0]
    )
    st.caption(f"{page.span('Pairings')}.")
    if frame.empty:
        st.caption("No milestones for these pairings.")
        return
    mask = name_mask()
    frame = progress.with_pair_label(mask.frame(frame, PEOPLE))
    if mask.active:
        # The chart's data travel to the browser whole, tooltip or not: no
        # free text, and no real names behind the pseudonyms.
        frame = frame.drop(columns=["title", "mentor_id", "mentee_id"]).assign(title="")
    # Not exportable: its data name people and hold milestone titles (free text).
    exportable_chart(
        partial(milestone_gantt, frame, show_titles=not mask.active),
        "milestone-timeline",
        exportable=False,
        width="stretch",
    )


def upcoming(engine: Engine, filters: Filters) -> None:
    mask = name_mask()
    frame = mask.frame(_upcoming(engine, filters, dt.date.today()), PEOPLE)
    if frame.empty:
        st.caption("Nothing due in the next 30 days.")
        return
    hidden = ["pairing_id", "milestone_id", "mentor_id", "mentee_id"]
    if mask.active:  # presenter mode shows no free text
        hidden += ["title", "success_criteria"]
    shown = frame.drop(columns=hidden)
    first = [c for c in ("due_date", "title", "mentor", "mentee") if c in shown.columns]
    rows, _ = frame_page(shown, key="milestones_upcoming_page", noun="Milestones")
    show_table(
        rows,
        {
            **{c: UPCOMING_COLUMNS.get(c, header(c)) for c in first},
            **{c: UPCOMING_COLUMNS.get(c, header(c)) for c in shown.columns if c not in first},
        },
    )
    csv_download(
        "Download upcoming milestones (CSV)",
        lambda: csv_bytes(shown),
        "tandem-upcoming-milestones.csv",
    )


def contract_gaps(engine: Engine, filters: Filters) -> None:
    frame = name_mask().frame(_gaps(engine, filters), PEOPLE)
    listed = _listed(
        frame,
        "milestones_gaps_page",
        none="Every running pairing has an objective and milestones with success criteria.",
        which="whose learning contract is not yet real: no objective, no milestones, or "
        "milestones nobody could tell are met.",
    )
    if listed is None:
        return
    show_table(
        listed[0],
        {
            "mentor": "Mentor",
            "mentee": "Mentee",
            "missing": Column("What is missing", wrap=True),
            "status": Column("Status", kind="code", codes=PAIRING_STATUS_LABELS, width="small"),
            "cohort": "Cohort",
        },
    )
    csv_download(
        "Download incomplete learning contracts (CSV)",
        lambda: csv_bytes(frame[["pairing_id", "mentor", "mentee", "missing", "status", "cohort"]]),
        "tandem-incomplete-contracts.csv",
    )
