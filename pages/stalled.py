"""Stalled pairings: the program lead's queue, the flag workflow and the health formula."""

from __future__ import annotations

import streamlit as st

from components.health import flags, health_charts, nudges, queue, reads, rules_editor
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup, page_viewer

engine = page_setup(
    "Stalled pairings",
    "Stalled and at-risk pairings, worst first, with the reasons in words and their flags.",
)
viewer = page_viewer()
filters = filter_bar(engine)
reads.show_outcome()
if queue.as_of_bar(engine, viewer):
    queue.headline_counts(engine, filters)
    st.subheader("The queue")
    rows = queue.queue_table(engine, filters)
    if not viewer.presenting:
        st.subheader("Flags")
        flags.flag_panel(engine, rows, viewer)
    st.subheader("Health across the program")
    health_charts.health_charts(engine, filters, viewer)
    st.subheader("Who to nudge")
    nudges.nudge_section(engine, filters, viewer)
st.subheader("The health formula")
rules_editor.health_rules(engine, viewer, expander="Edit the health formula")
