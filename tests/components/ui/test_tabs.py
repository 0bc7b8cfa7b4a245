"""Lazy tabs: only the open tab's section runs, another runs once it is opened."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components.ui.tabs import LAZY_TAB_KEYS


def _two_tabs() -> None:
    """Script for AppTest.from_function: two sections that say when they ran."""
    import streamlit as st

    from components.ui.tabs import lazy_tabs

    ran = st.session_state.setdefault("ran", [])
    opened = lazy_tabs(
        {
            "First": lambda: (ran.append("first"), st.write("first section")),
            "Second (2)": lambda: (ran.append("second"), st.write("second section")),
        },
        key="demo_tabs",
    )
    st.caption(f"open: {opened}")


def test_only_the_open_tab_runs_and_another_runs_once_opened() -> None:
    at = AppTest.from_function(_two_tabs)
    at.run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["First", "Second (2)"]
    assert at.session_state["ran"] == ["first"]
    assert [c.value for c in at.caption] == ["open: First"]
    assert "demo_tabs" in LAZY_TAB_KEYS  # what every_tab (tests/app) opens in turn
    at.session_state["demo_tabs"] = "Second (2)"
    at.run()
    assert at.session_state["ran"] == ["first", "second"]
    assert [c.value for c in at.caption] == ["open: Second (2)"]
    assert "second section" in [m.value for m in at.markdown]
    assert "first section" not in [m.value for m in at.markdown]
