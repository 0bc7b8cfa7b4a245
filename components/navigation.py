"""The sectioned navigation: one list says which pages exist and where."""

from __future__ import annotations

import streamlit as st

# (section, script, title, icon). Later pages add a line here.
PAGES: list[tuple[str, str, str, str]] = [
    ("Program", "pages/overview.py", "Overview", ":material/dashboard:"),
]


def build_navigation() -> st.navigation:  # type: ignore[valid-type]
    sections: dict[str, list[st.Page]] = {}
    for index, (section, script, title, icon) in enumerate(PAGES):
        page = st.Page(script, title=title, icon=icon, default=index == 0)
        sections.setdefault(section, []).append(page)
    return st.navigation(sections, position="sidebar")
