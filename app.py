"""Tandem: the dashboard's entry point.

Builds the navigation on every run: ``pages/`` would otherwise trigger
Streamlit's legacy page list, which ``st.navigation`` replaces.
"""

from __future__ import annotations

import streamlit as st

from components.navigation import run_app

st.set_page_config(
    page_title="Tandem · mentorship programs",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)

run_app()
