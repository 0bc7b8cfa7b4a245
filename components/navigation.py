"""The sectioned navigation: one list says which pages exist and where."""

from __future__ import annotations

import streamlit as st

# (section, script, title, icon, visible). Later pages add a line here.
PAGES: list[tuple[str, str, str, str, bool]] = [
    ("Program", "pages/overview.py", "Overview", ":material/dashboard:", True),
    ("Sponsor view", "pages/portfolio.py", "Portfolio", ":material/table:", True),
    ("Sponsor view", "pages/what_works.py", "What works", ":material/insights:", True),
    # Reached from a portfolio row, not from the menu.
    ("Sponsor view", "pages/pairing.py", "Pairing", ":material/handshake:", False),
]


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
