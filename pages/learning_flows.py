"""Learning flows: reciprocity and cross-level learning."""

from __future__ import annotations

import streamlit as st

from components.portfolio import learning
from components.ui.briefing import briefing_button
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup

engine = page_setup(
    "Learning flows",
    "How learning moves across levels, in both directions, and who carries it.",
)
filters = filter_bar(engine)
st.subheader("Learning in both directions, by pairing kind")
learning.learning_both_ways(engine, filters)
st.subheader("Who mentors whom, by level")
learning.levels(engine, filters)
st.subheader("Hidden experts")
st.caption("People whose mentoring reaches across the most divisions and levels.")
learning.experts(engine, filters)
briefing_button(engine, "Learning flows", filters)
