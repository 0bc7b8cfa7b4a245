"""Portfolio: every pairing, how it is doing, filtered by the shared filter bar."""

from __future__ import annotations

import streamlit as st

from components.portfolio.portfolio import headlines, portfolio_table
from components.ui.briefing import portfolio_briefing_button
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup

engine = page_setup("Portfolio", "Every pairing in the program and how it is doing.")
filters = filter_bar(engine)
headlines(engine, filters)
portfolio_briefing_button(engine, filters)
st.subheader("Pairings")
portfolio_table(engine, filters)
