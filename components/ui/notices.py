"""One-shot notices: what a write's callback leaves for the next run to show, once.

Writes run in ``on_click`` / ``on_submit`` callbacks: a callback runs exactly
once per click, before the script, so a rerun (or a second click on a stale
screen) cannot repeat it.  It leaves its outcome under a key of its own
(:func:`leave`, or ``st.session_state[key] = (kind, text)``) and the section
that owns the key shows it where it belongs (:func:`show`), which also
forgets it.  The text is rendered as markdown: callers escape what they did
not write themselves (``components.ui.formatting.plain``).

Not for the Rebalancing page's accept/decline outcome, which must survive
Streamlit's extra runs after a click and goes only when the data changes
(``components.matching.rebalance.actions.outcome_message``).
"""

from __future__ import annotations

import streamlit as st

_SHOW = {
    "success": (st.success, ":material/task_alt:"),
    "error": (st.error, ":material/error:"),
    "info": (st.info, ":material/info:"),
}


def leave(key: str, kind: str, text: str) -> None:
    """Leave a notice (``kind``: success, error or info) for the next run to show."""
    if kind not in _SHOW:
        raise ValueError(f"unknown notice kind {kind!r}; expected one of {sorted(_SHOW)}")
    st.session_state[key] = (kind, text)


def show(key: str) -> None:
    """Show the notice left under ``key``, if any, and forget it."""
    notice = st.session_state.pop(key, None)
    if not notice:
        return
    kind, text = notice
    render, icon = _SHOW.get(kind, _SHOW["info"])
    render(text, icon=icon)
