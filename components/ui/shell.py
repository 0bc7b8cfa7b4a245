"""The page set-up every page calls first: access check, title, sidebar, presenter mode."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from components.ui.database import database_label
from components.ui.navigation import PAGES, run_context
from components.ui.presenter import NameMask
from components.ui.viewer import viewer_controls
from tandem.access import Viewer


def page_setup(title: str, caption: str | None = None) -> Engine:
    """Check the viewer may open this page, render the common frame, return the engine."""
    context = run_context()
    viewer = context.viewer
    if not viewer.may_open(context.page_key):
        titles = {entry.key: entry.title for entry in PAGES}
        st.error(
            f"**{titles.get(context.page_key, title)}** is not open to the {viewer.role} role."
            + (" Presenter mode is read-only." if viewer.presenting else ""),
            icon=":material/lock:",
        )
        viewer_controls(viewer)
        st.stop()
    viewer_controls(viewer)
    st.title(title)
    if caption:
        st.caption(caption)
    if viewer.can("see_deployment"):
        with st.sidebar:
            st.caption(f"Database: {database_label()}")
    return context.engine


def page_viewer() -> Viewer:
    return run_context().viewer


def name_mask() -> NameMask:
    context = run_context()
    return NameMask(context.engine, context.viewer)
