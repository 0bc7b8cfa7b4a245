"""Overview: the program's story at a glance, under the filter bar."""

from __future__ import annotations

import streamlit as st

from components.portfolio import overview as section
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup, page_viewer

engine = page_setup("Overview", "Your mentorship program at a glance.")
viewer = page_viewer()
if section.program_is_empty(engine, viewer.scope):
    section.empty_program_notice(viewer)
    st.stop()
filters = filter_bar(engine)
headlines = section.headline_row(engine, filters)
left, right = st.columns(2, gap="large")
with left:
    section.health_section(engine, filters, viewer)
with right:
    section.milestones_section(engine, filters, viewer)
section.needs_a_lead_section(engine, filters, viewer, headlines.counts.need_a_lead)
section.themes_section(engine, filters, viewer)
section.cohort_table(engine, filters, viewer)
section.overview_briefing(engine, filters, headlines)
