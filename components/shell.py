"""The page set-up every page calls first: title, sidebar, database check."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from components.database import database_label, engine_or_stop
from components.navigation import ensure_inside_app


def page_setup(title: str, caption: str | None = None) -> Engine:
    """Render the common page frame and return a working database engine."""
    ensure_inside_app()
    st.title(title)
    if caption:
        st.caption(caption)
    with st.sidebar:
        st.caption(f"Database: {database_label()}")
    return engine_or_stop()
