"""Stalled pairings: the program lead's queue, the flag workflow and the health formula."""

from __future__ import annotations

import streamlit as st

from components.health import stalled as section
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup, page_viewer

engine = page_setup(
    "Stalled pairings",
    "Stalled and at-risk pairings, worst first, with the reasons in words and their flags.",
)
viewer = page_viewer()
filters = filter_bar(engine)
section.show_outcome()
if section.as_of_bar(engine, viewer):
    section.headline_counts(engine, filters)
    st.subheader("The queue")
    rows = section.queue_table(engine, filters)
    if not viewer.presenting:
        st.subheader("Flags")
        section.flag_panel(engine, rows, viewer)
    st.subheader("Health across the program")
    section.health_charts(engine, filters, viewer)
    st.subheader("Who to nudge")
    section.nudge_section(engine, filters, viewer)
st.subheader("The health formula")
section.formula_section(engine, viewer)
