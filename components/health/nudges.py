"""Who to nudge: the pairings stalled for lack of contact, with both people, as a CSV."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.health import reads
from components.ui.formatting import date_text, plural
from components.ui.paging import frame_page
from components.ui.tables import csv_download
from tandem.access import Viewer
from tandem.access.filters import Filters
from tandem.program.downloads import csv_bytes

# The columns a lead came for first (who, and how long since they met), the
# addresses after, the id last.
_COLUMNS = {
    "mentor_name": st.column_config.TextColumn("Mentor", width=140),
    "mentee_name": st.column_config.TextColumn("Mentee", width=140),
    "days_since_last_meeting": st.column_config.NumberColumn(
        "Days since last meeting", width=175, format="%d"
    ),
    "last_meeting": st.column_config.TextColumn("Last meeting", width=110),
    "cadence_days": st.column_config.NumberColumn("Meets every (days)", width=145, format="%d"),
    "mentor_email": st.column_config.TextColumn("Mentor e-mail", width=230),
    "mentee_email": st.column_config.TextColumn("Mentee e-mail", width=230),
    "pairing_id": st.column_config.TextColumn("Pairing", width=90),
}


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as shown: a pairing that never met reads "never", not a blank."""
    last = [day.isoformat() if isinstance(day, dt.date) else "never" for day in frame.last_meeting]
    return frame.assign(last_meeting=last)


def nudge_section(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    if viewer.presenting:
        st.caption("The nudge list (names and e-mail addresses) is not shown in presenter mode.")
        return
    info = reads.as_of(engine)
    day = reads.scored_day(info)
    frame = reads.nudges(engine, filters, day)
    if frame.empty:
        st.caption(
            "Nobody to nudge: no pairing under these filters is stalled for lack of contact."
        )
        return
    st.caption(
        f"{plural(len(frame), 'pairing')} had not met for longer than the no-contact rule "
        f"allows on {date_text(day)}; remind both people to book a meeting. Longest silence "
        "first."
    )
    shown, _ = frame_page(frame, key="nudge_page", noun="Pairings")
    st.dataframe(
        _shown(shown),
        hide_index=True,
        column_config=_COLUMNS,
        column_order=list(_COLUMNS),
        placeholder="—",
    )
    csv_download(
        "Download the nudge list (CSV)",
        lambda: csv_bytes(frame),
        "tandem-nudge-list.csv",
    )
