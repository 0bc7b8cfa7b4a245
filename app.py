"""Tandem: the dashboard's entry point.

Page config, then ``run_app``: the database check, who the viewer is, and the
role-aware ``st.navigation`` over ``pages/`` (see components/ui/navigation.py).
"""

from __future__ import annotations

import streamlit as st

from components.ui.navigation import is_presenting, run_app

st.set_page_config(
    page_title="Tandem · mentorship programs",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="collapsed" if is_presenting() else "expanded",
)

run_app()
