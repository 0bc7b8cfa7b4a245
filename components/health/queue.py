"""The Stalled page's top: when health was computed, the headline counts, and the queue."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.health import reads
from components.health.reads import OUTCOME_KEY, PAGE_SIZE
from components.ui import notices
from components.ui.charts import VERDICT_COLOURS
from components.ui.database import clear_caches
from components.ui.formatting import NOT_COMPUTED, date_text, plural
from components.ui.paging import choose_page
from components.ui.shell import name_mask
from components.ui.tables import WRAPPED_ROW_HEIGHT
from tandem import health
from tandem.access import Viewer
from tandem.access.filters import Filters

SELECTED_KEY = "stalled_selected_row"
CHOICE_KEY = "stalled_choice"

#: The Stalled page's health-only refresh (named by the hints that send a lead to it).
RECOMPUTE_HEALTH_BUTTON = "Recompute health now"


def _recompute(engine: Engine, viewer: Viewer) -> None:
    report = health.refresh_health(engine, actor=viewer.actor)
    clear_caches()
    notices.leave(
        OUTCOME_KEY,
        "success",
        f"Health recomputed as of {date_text(report.as_of)}: "
        f"{plural(report.scored, 'pairing')} scored, {report.stalled:,} stalled, "
        f"{report.at_risk:,} at risk.",
    )


def as_of_bar(engine: Engine, viewer: Viewer) -> bool:
    """The date of the health data and, for a lead, "Recompute health now".

    Returns False when health has never been computed (nothing else to draw).
    """
    info = reads.as_of(engine)
    text_col, button_col = st.columns([3, 1])
    if info.as_of is None:
        text_col.info(f"Health is {NOT_COMPUTED}. Recompute it to fill the queue.")
    else:
        computed = (
            f" (computed {date_text(info.computed_at)} {info.computed_at:%H:%M} UTC)"
            if info.computed_at
            else ""
        )
        text_col.caption(
            f"Health as of {date_text(info.as_of)}{computed} "
            f"for {plural(info.pairings, 'pairing')}."
        )
    may_recompute = viewer.can("tune_rules") or viewer.can("edit_flags")
    if may_recompute and not viewer.presenting:
        button_col.button(
            RECOMPUTE_HEALTH_BUTTON,
            icon=":material/refresh:",
            key="stalled_recompute",
            on_click=_recompute,
            args=(engine, viewer),
        )
    return info.as_of is not None


def headline_counts(engine: Engine, filters: Filters) -> None:
    counts = reads.counts(engine, filters)
    line = health.at_risk_line(health.health_settings(engine))
    stalled, at_risk, flags, unowned = st.columns(4)
    stalled.metric(
        "Stalled",
        f"{counts.stalled:,}",
        help="Pairings a stall rule fired for; their health is capped under the at-risk line.",
    )
    at_risk.metric(
        "At risk", f"{counts.at_risk:,}", help=f"Not stalled, but scored below {line:g}."
    )
    flags.metric("Open flags", f"{counts.open_flags:,}", help="Open or in progress.")
    unowned.metric("Unowned flags", f"{counts.unowned_flags:,}", help="Open flags with no owner.")


def _queue_display(rows: pd.DataFrame, presenting: bool) -> pd.DataFrame:
    owners = [
        # An owner is a typed name: on a shared screen only whether there is one.
        ("assigned" if presenting else str(owner)) if isinstance(owner, str) and owner else "—"
        for owner in rows.flag_owner
    ]
    return pd.DataFrame(
        {
            "Pairing": [f"{row.mentor} → {row.mentee}" for row in rows.itertuples()],
            "Health": rows.health,
            "Verdict": [
                health.verdict_label(row.stalled, row.at_risk, row.open_flags)
                for row in rows.itertuples()
            ],
            "Reasons": [reason.replace(";", "; ") for reason in rows.reasons.fillna("")],
            "Flags": rows.open_flags,
            "Owner": owners,
            "Cohort": rows.cohort.fillna("—"),
        }
    )


# Widths that keep every column but the cohort inside the page at 1280 px.
_QUEUE_COLUMNS = {
    "Pairing": st.column_config.TextColumn("Mentor → mentee", width=165),
    "Health": st.column_config.ProgressColumn(
        "Health", min_value=0, max_value=100, format="%.0f", width=75
    ),
    "Verdict": st.column_config.TextColumn("Verdict", width=80),
    "Reasons": st.column_config.TextColumn("Reasons", width=300),
    "Flags": st.column_config.NumberColumn("Flags", width=55, help="Open flags"),
    "Owner": st.column_config.TextColumn("Owner", width=100),
    "Cohort": st.column_config.TextColumn("Cohort", width=180),
}


def _verdict_style(label: str) -> str:
    """The verdict's colour (as on every health chart), with the word itself."""
    colour = VERDICT_COLOURS.get(label)
    return f"color: {colour}; font-weight: 600" if colour else ""


def queue_table(engine: Engine, filters: Filters) -> pd.DataFrame:
    """The queue, worst first; returns the rows of the page shown (for the flag panel)."""
    probe = reads.queue(engine, filters, 0)
    if probe.total == 0:
        st.info("No stalled, at-risk or flagged pairings under these filters.")
        return probe.rows
    chosen = choose_page(probe.total, PAGE_SIZE, key="stalled_page")
    number = chosen.number
    page = probe if number == 1 else reads.queue(engine, filters, chosen.start)
    mask = name_mask()
    rows = mask.frame(page.rows, {"mentor": "mentor_id", "mentee": "mentee_id"})
    st.caption(
        f"{chosen.span('Pairings')}: stalled first, then "
        "at risk, then pairings kept here only by an open flag; worst health first."
        + ("" if mask.active else " Select a row to work on its flags below.")
    )
    event = st.dataframe(
        _queue_display(rows, mask.active).style.map(_verdict_style, subset=["Verdict"]),
        hide_index=True,
        on_select="ignore" if mask.active else "rerun",
        selection_mode="single-row",
        key=f"stalled_grid_{number}",
        column_config=_QUEUE_COLUMNS,
        placeholder="—",
        row_height=WRAPPED_ROW_HEIGHT,  # the long reasons and names wrap
    )
    selected = getattr(getattr(event, "selection", None), "rows", []) if event else []
    if selected:
        pairing_id = str(rows.iloc[selected[0]]["pairing_id"])
        # Only a new selection moves the panel, so the select box stays usable.
        if st.session_state.get(SELECTED_KEY) != pairing_id:
            st.session_state[SELECTED_KEY] = pairing_id
            st.session_state[CHOICE_KEY] = pairing_id
    return rows
