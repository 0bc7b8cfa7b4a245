"""The sectioned navigation: one list says which pages exist and where.

Streamlit treats a folder named ``pages/`` as a legacy page list until the
first ``st.navigation`` call in the server process: a first request straight
to ``/portfolio`` would run ``pages/portfolio.py`` on its own, without
``app.py`` (no navigation, no page config, no viewer checks).  ``app.py``
marks the runs it drives; a page run without that mark registers the real
navigation and reruns, so every page is always reached through ``app.py``.
"""

from __future__ import annotations

import threading

import streamlit as st

# (section, script, title, icon, visible). Later pages add a line here.
PAGES: list[tuple[str, str, str, str, bool]] = [
    ("Program", "pages/overview.py", "Overview", ":material/dashboard:", True),
    ("Sponsor view", "pages/portfolio.py", "Portfolio", ":material/table:", True),
    ("Sponsor view", "pages/what_works.py", "What works", ":material/insights:", True),
    ("Sponsor view", "pages/learning_flows.py", "Learning flows", ":material/sync_alt:", True),
    ("Sponsor view", "pages/equity.py", "Equity of access", ":material/balance:", True),
    ("Sponsor view", "pages/milestones.py", "Milestone progress", ":material/flag:", True),
    # Reached from a portfolio row, not from the menu.
    ("Sponsor view", "pages/pairing.py", "Pairing", ":material/handshake:", False),
]

# Script runs happen on one thread per session: the mark is per thread.
_run_state = threading.local()


def build_navigation() -> st.navigation:  # type: ignore[valid-type]
    sections: dict[str, list[st.Page]] = {}
    for index, (section, script, title, icon, visible) in enumerate(PAGES):
        page = st.Page(
            script,
            title=title,
            icon=icon,
            default=index == 0,
            visibility="visible" if visible else "hidden",
        )
        sections.setdefault(section, []).append(page)
    return st.navigation(sections, position="sidebar")


def run_app() -> None:
    """Run the page the URL asks for, through the navigation (called by app.py)."""
    page = build_navigation()
    _run_state.inside_app = True
    try:
        page.run()
    finally:
        _run_state.inside_app = False


def ensure_inside_app() -> None:
    """Called first by every page: reroute a legacy direct run through app.py."""
    if not getattr(_run_state, "inside_app", False):
        build_navigation()
        st.rerun()
