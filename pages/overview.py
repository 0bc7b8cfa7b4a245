"""Overview: the program at a glance."""

from __future__ import annotations

import streamlit as st

from components.portfolio.overview import cohort_table, empty_program_notice, totals_row
from components.ui.shell import page_setup, page_viewer

engine = page_setup("Overview", "Your mentorship program at a glance.")
scope = page_viewer().scope
totals = totals_row(engine, scope)
if totals.is_empty:
    empty_program_notice()
    st.stop()
st.subheader("Cohorts")
cohort_table(engine, scope)
