"""Admin: the privacy threshold and "recompute now".

The health rules and the matching weights have one editor each, in their own
domains (``components.health.rules_editor``, ``components.matching.weights``);
the Admin page draws them between these two sections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from components.admin.common import FULL_REFRESH_BUTTON, notify, plain, show_notice
from components.ui.database import clear_caches, refresh_with_progress
from tandem.access import Viewer
from tandem.access.privacy import DEFAULT_PRIVACY_SETTINGS, SETTINGS_KEY, privacy_threshold
from tandem.program.settings import SettingsError, put_setting
from tandem.refresh import refresh_all


def rules_section(engine: Engine, viewer: Viewer) -> None:
    """The privacy threshold; the page draws the health and matching editors (their
    domains' own, one each) below it, then :func:`refresh_section`."""
    show_notice("rules")
    st.subheader("Privacy")
    _privacy(engine, viewer, _can_edit(viewer))


def refresh_section(engine: Engine, viewer: Viewer) -> None:
    if _can_edit(viewer):
        _refresh_now(engine, viewer)


def _can_edit(viewer: Viewer) -> bool:
    return viewer.can("settings") or viewer.can("tune_rules")


_REFRESH_REQUESTED = "admin_refresh_requested"


def _refresh_now(engine: Engine, viewer: Viewer) -> None:
    """Rules apply at the next refresh; this runs the full one now (the CLI's, and the
    one after every import)."""
    if not st.session_state.pop(_REFRESH_REQUESTED, False):
        st.button(
            FULL_REFRESH_BUTTON,
            key="admin_refresh",
            icon=":material/sync:",
            on_click=lambda: st.session_state.__setitem__(_REFRESH_REQUESTED, True),
            help="What runs after every import, now: themes and sentiment, every pairing's "
            "health with the rules above, the rebalancing plan and the Impact reports.",
        )
        return
    # The rules themselves were saved whatever happens here.
    refresh_with_progress(
        "Running the full refresh…",
        "Full refresh done",
        lambda say: refresh_all(engine, actor=viewer.actor, progress=say),
        lambda report: report.summary(),
    )


def _save_setting(what: str, save: Callable[[], Any]) -> None:
    try:
        save()
    except SettingsError as error:
        notify("rules", "error", f"{what} not saved: {plain(str(error))}")
        return
    clear_caches()
    notify("rules", "success", f"{what} saved.")


def _privacy(engine: Engine, viewer: Viewer, can_edit: bool) -> None:
    threshold = privacy_threshold(engine)
    st.caption(
        "Any aggregate covering fewer pairings (or people) than this threshold is "
        "suppressed on every page and in every download."
    )
    if not can_edit:
        st.text(f"Small-group threshold: {threshold}")
        return
    with st.form("admin_privacy_form"):
        # No min/max here: the range is the core's rule (tandem.privacy), shown on refusal.
        st.number_input("Small-group threshold", value=threshold, step=1, key="admin_privacy")
        st.form_submit_button(
            "Save threshold",
            key="admin_privacy_save",
            on_click=_save_privacy,
            args=(engine, viewer),
        )


def _save_privacy(engine: Engine, viewer: Viewer) -> None:
    value = {"threshold": int(st.session_state["admin_privacy"])}
    _save_setting(
        "Privacy threshold",
        lambda: put_setting(
            engine, SETTINGS_KEY, value, viewer.actor, default=DEFAULT_PRIVACY_SETTINGS
        ),
    )
