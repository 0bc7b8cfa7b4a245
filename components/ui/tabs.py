"""Tabs of which only the open one is drawn: the one way a page splits into tabs.

Streamlit draws every tab's content on every run, hidden or not, and the browser
lays all of it out: on Rebalancing at 50,000 pairings the four tabs were 3,500
elements on each click.  Here a tab set is a widget (``key``): only the open
tab's section runs, and a click on another reruns the page (or the fragment the
tabs are in).  With ``in_url`` the open tab is also the link's ``?<key>=<label>``,
so a link can open it.

Every key is recorded in :data:`LAZY_TAB_KEYS`, so that checks over "everything a
page sends" (tests/app/test_confidentiality.py) can open every tab in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

#: The keys of every lazy tab set drawn in this process.
LAZY_TAB_KEYS: set[str] = set()


def lazy_tabs(
    sections: Mapping[str, Callable[[], object]], *, key: str, in_url: bool = False
) -> str:
    """Draw ``sections`` (label → what draws it) as tabs, running only the open one;
    returns its label.  A label that changes (a count in it) starts a new tab set,
    opened on its first tab."""
    LAZY_TAB_KEYS.add(key)
    tabs = st.tabs(
        list(sections), key=key, on_change="rerun", bind="query-params" if in_url else None
    )
    opened = next(iter(sections))
    for (label, draw), tab in zip(sections.items(), tabs, strict=True):
        if tab.open:
            opened = label
            with tab:
                draw()
    return opened
