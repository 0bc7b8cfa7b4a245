"""Milestone progress: do learning contracts turn into results, and what is due next?"""

from __future__ import annotations

import streamlit as st

from components.portfolio import milestones as section
from components.ui.briefing import briefing_button
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup

engine = page_setup(
    "Milestone progress",
    "Whether learning contracts turn into results, what is overdue, and what is due next.",
)
filters = filter_bar(engine)
st.subheader("Burn-up by cohort")
section.burn_up(engine, filters)
st.subheader("Completion rate")
section.completion(engine, filters)
# Full width, one under the other: side by side, each list hid the columns after
# its second or third at 1280 px.
st.subheader("At risk: overdue milestones")
section.at_risk(engine, filters)
st.subheader("Due in the next 30 days")
section.upcoming(engine, filters)
st.subheader("Learning contracts that are not yet real")
section.contract_gaps(engine, filters)
st.subheader("Milestone timeline")
section.timeline(engine, filters.scope)
briefing_button(engine, "Milestone progress", filters)
