"""What works: which mentor/mentee combinations produce progress."""

from __future__ import annotations

import streamlit as st

from components.portfolio.outcomes import choose_outcome, outcome_section
from components.ui.briefing import briefing_button
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup

engine = page_setup(
    "What works",
    "Outcomes by combination of mentor and mentee. Click a cell or bar to see those pairings.",
)
filters = filter_bar(engine)
outcome = choose_outcome()
outcome_section(engine, filters, "division_pair", outcome)
left, right = st.columns(2)
with left:
    outcome_section(engine, filters, "level_gap", outcome)
    outcome_section(engine, filters, "kind", outcome)
with right:
    outcome_section(engine, filters, "geography", outcome)
    outcome_section(engine, filters, "cohort", outcome)
briefing_button(engine, "What works", filters)
