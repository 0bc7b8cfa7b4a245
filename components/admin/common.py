"""What every Admin section shares: plain-text messages and the notices a save leaves."""

from __future__ import annotations

import streamlit as st

from components.formatting import plain

__all__ = ["humanise", "notify", "plain", "show_notice"]


def humanise(key: str) -> str:
    return key.replace("_", " ").capitalize()


# Saves run in on_click callbacks: a callback runs exactly once per click, before
# the script, so a rerun (or a second click on a stale screen) cannot repeat it.
# It leaves its outcome here for the section to show.


def notify(section: str, kind: str, text: str) -> None:
    st.session_state[f"admin_notice_{section}"] = (kind, text)


def show_notice(section: str) -> None:
    notice = st.session_state.pop(f"admin_notice_{section}", None)
    if not notice:
        return
    kind, text = notice
    if kind == "error":
        st.error(text, icon=":material/error:")
    else:
        st.success(text, icon=":material/task_alt:")
