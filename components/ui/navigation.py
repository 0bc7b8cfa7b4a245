"""The app's frame: navigation by role, the database check, and the run's context.

Streamlit treats a folder named ``pages/`` as a legacy page list until the
first ``st.navigation`` call in the server process: a first request straight
to ``/portfolio`` would run ``pages/portfolio.py`` on its own, without
``app.py``.  ``run_app`` therefore always calls ``st.navigation`` before it
can stop for any reason, and marks the runs it drives; a page run without
that mark registers the navigation and reruns, so every page is reached
through ``app.py`` and its checks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st
from sqlalchemy import Engine
from streamlit import runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from components.ui.database import probe_engine
from components.ui.presenter import apply_styling
from components.ui.viewer import presenting, resolve_viewer, sign_in_screen
from tandem.access import Viewer


@dataclass(frozen=True)
class PageEntry:
    section: str
    script: str
    title: str
    icon: str
    in_menu: bool = True

    @property
    def key(self) -> str:
        """The page's URL path, also its key in ``tandem.access.PAGE_CAPABILITY``."""
        return Path(self.script).stem


# Every page, in menu order. A new page adds a line here and one in PAGE_CAPABILITY.
PAGES: list[PageEntry] = [
    PageEntry("Program", "pages/overview.py", "Overview", ":material/dashboard:"),
    PageEntry("Sponsor view", "pages/portfolio.py", "Portfolio", ":material/table:"),
    PageEntry("Sponsor view", "pages/what_works.py", "What works", ":material/insights:"),
    PageEntry("Sponsor view", "pages/learning_flows.py", "Learning flows", ":material/sync_alt:"),
    PageEntry("Sponsor view", "pages/equity.py", "Equity of access", ":material/balance:"),
    PageEntry("Sponsor view", "pages/milestones.py", "Milestone progress", ":material/flag:"),
    PageEntry("Sponsor view", "pages/themes.py", "Feedback themes", ":material/forum:"),
    PageEntry("Sponsor view", "pages/impact.py", "Impact", ":material/trending_up:"),
    # Reached from a portfolio row, not from the menu.
    PageEntry("Sponsor view", "pages/pairing.py", "Pairing", ":material/handshake:", False),
    PageEntry("Program lead", "pages/stalled.py", "Stalled pairings", ":material/crisis_alert:"),
    PageEntry("Program lead", "pages/rebalancing.py", "Rebalancing", ":material/swap_horiz:"),
    PageEntry("Program lead", "pages/matching.py", "Matching", ":material/group_add:"),
    PageEntry("Admin", "pages/admin.py", "Admin", ":material/admin_panel_settings:"),
]


@dataclass(frozen=True)
class RunContext:
    engine: Engine
    viewer: Viewer
    page_key: str


# Script runs happen on one thread per session: the context is per thread.
_run_state = threading.local()
_FRAGMENT_CONTEXT = "_tandem_run_context"


def build_navigation(viewer: Viewer | None) -> st.navigation:  # type: ignore[valid-type]
    """The navigation for ``viewer``: pages they may not open are registered but
    hidden, so a typed URL reaches the page's own refusal instead of a 404."""
    sections: dict[str, list[st.Page]] = {}
    for index, entry in enumerate(PAGES):
        shown = entry.in_menu and viewer is not None and viewer.may_open(entry.key)
        page = st.Page(
            entry.script,
            title=entry.title,
            icon=entry.icon,
            default=index == 0,
            visibility="visible" if shown else "hidden",
        )
        sections.setdefault(entry.section, []).append(page)
    position: Literal["sidebar", "hidden"] = (
        "sidebar" if viewer is not None and not viewer.presenting else "hidden"
    )
    return st.navigation(sections, position=position)


def _prepare() -> tuple[RunContext | None, st.navigation]:  # type: ignore[valid-type]
    """Database check, viewer and navigation; stops the run with a message on failure."""
    engine, problem = probe_engine()
    viewer = resolve_viewer(engine) if engine is not None else None
    page = build_navigation(viewer)
    if problem is not None:
        st.error(problem, icon=":material/database:")
        st.stop()
    if viewer is None or engine is None:
        sign_in_screen(engine)
        st.stop()
    key = page.url_path or PAGES[0].key  # type: ignore[attr-defined]
    return RunContext(engine, viewer, key), page


def run_app() -> None:
    """Everything app.py does after the page config (see the module docstring)."""
    context, page = _prepare()
    if context is not None:  # before the page's first element: see apply_styling
        apply_styling(context.viewer, wait_for_browser=_served_by_a_real_server())
    _run_state.context = context
    # A fragment's own rerun skips app.py; it picks the context up from here.
    st.session_state[_FRAGMENT_CONTEXT] = context
    try:
        page.run()  # type: ignore[attr-defined]
    finally:
        _run_state.context = None


def _current_script_key() -> str:
    """The page key of the script Streamlit is running outside app.py."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
        if info and info.get("script_path"):
            return Path(str(info["script_path"])).stem
    return PAGES[0].key


def _served_by_a_real_server() -> bool:
    # AppTest installs a stand-in Runtime (a mock with Runtime's spec, so an
    # isinstance check passes): only the real class means a browser is served.
    return runtime.exists() and type(runtime.Runtime.instance()) is runtime.Runtime


def run_context() -> RunContext:
    """The engine, viewer and page of this run, also when a page runs outside app.py.

    On a server that only happens on the first request of a process (the
    legacy ``pages/`` list): register the navigation and rerun through
    app.py.  Without a server (AppTest runs each page in that mode) there is
    no list to avoid, so the same checks run inline and the run goes on —
    a rerun here would swallow the click that started it.
    """
    context = getattr(_run_state, "context", None)
    if context is not None:
        return context
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run and _FRAGMENT_CONTEXT in st.session_state:
        return st.session_state[_FRAGMENT_CONTEXT]
    if _served_by_a_real_server():
        build_navigation(None)
        st.rerun()
    # Once per run: Streamlit gives every run a fresh cursor map, our token.
    token = id(ctx.cursors) if ctx is not None else None
    cached = getattr(_run_state, "inline", None)
    if cached is not None and cached[0] == token:
        return cached[1]
    inline, _ = _prepare()
    assert inline is not None
    context = RunContext(inline.engine, inline.viewer, _current_script_key())
    _run_state.inline = (token, context)
    return context


def is_presenting() -> bool:
    return presenting()
