"""The page's workbench (the weights and everything they change) and its guard of very
large programs.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.matching.rebalance.actions import outcome_message, store_plan_button
from components.matching.rebalance.cards import suggestions_list, summary
from components.matching.rebalance.reads import (
    Names,
    current_fingerprint,
    live_plan,
    live_rotation,
    plan_view,
    saved_config,
    shaped_plan,
    stored_outline,
)
from components.matching.rebalance.sections import (
    load_section,
    rotation_section,
    unresolved_section,
)
from components.matching.weights import weight_editor
from components.ui.presenter import NameMask
from components.ui.tabs import lazy_tabs
from tandem.access import Viewer
from tandem.matching import (
    config_key,
    open_pairing_count,
    stored_plan_time,
)


@st.fragment
def workbench(engine: Engine, viewer: Viewer) -> None:
    """Sliders and everything they change, rerun on their own (the pins list below is not)."""
    scope = viewer.scope
    fingerprint = current_fingerprint(engine)
    saved = saved_config(engine, fingerprint)
    outcome_message(fingerprint)
    # Open for whoever may tune them; on a shared screen the plan comes first.
    with st.expander("Match weights", expanded=viewer.can("tune_rules"), icon=":material/tune:"):
        config = weight_editor(engine, viewer, key="rb_weights")
    is_saved = config_key(config) == config_key(saved)
    stored = stored_outline(engine, config_key(saved), fingerprint, saved)
    outline: pd.DataFrame | None = None  # the stored plan's suggestions, when it is shown
    if is_saved and stored is not None:
        plan, outline, all_rotation = stored.plan, stored.suggestions, stored.rotation
        st.caption(
            f"Plan computed by the refresh at {stored.computed_at:%Y-%m-%d %H:%M} UTC for the "
            "saved weights (nothing has changed since)."
        )
    else:
        if not _compute_allowed(engine, "rebalancing_compute_weights"):
            return
        plan = live_plan(engine, config_key(config), fingerprint, config)
        all_rotation = live_rotation(engine, config_key(config), fingerprint, config)
        if is_saved:
            st.caption(
                "Plan computed now for the saved weights, from the data as it is: no stored "
                "plan is current (a change since the last refresh, such as an accepted move)."
            )
            store_plan_button(engine, viewer, "rb_store_plan")
        else:
            st.caption("Plan computed now for these weights.")
    if is_saved:
        baseline = plan
    elif stored is not None:
        baseline = stored.plan
    else:
        baseline = live_plan(engine, config_key(saved), fingerprint, saved)
    key = config_key(config)
    view = plan_view(engine, key, fingerprint, scope.cohorts, plan, outline, all_rotation, config)
    saved_view = (
        view.shaped
        if baseline is plan
        else shaped_plan(
            engine,
            config_key(saved),
            fingerprint,
            scope.cohorts,
            baseline,
            None if stored is None else stored.suggestions,
        )
    )
    gains = None if outline is None else list(outline["gain"])
    summary(plan, view.shaped, baseline, saved_view, scope, gains)
    names = Names(view.names, NameMask(engine, viewer))
    shaped, rotation = view.shaped, view.rotation
    sections = {
        f"Suggestions ({len(shaped.suggestions)})": lambda: suggestions_list(
            engine, view, config, viewer, fingerprint
        ),
        "Mentor load": lambda: load_section(view.loads, names),
        f"Unresolved ({len(shaped.unresolved)})": lambda: unresolved_section(
            plan, shaped.unresolved, names
        ),
        f"Rotation ({sum(1 for r in rotation if r.suggested_mentor_id)})": lambda: rotation_section(
            engine, rotation, viewer, fingerprint
        ),
    }
    # A click on another tab reruns this fragment.
    lazy_tabs(sections, key=SECTION_KEY)


#: The open tab of the plan (Suggestions, Mentor load, Unresolved, Rotation).
SECTION_KEY = "rb_section"


# Measured (bench/findings.md, "Rebalancing at scale (session 2)"): the plan at
# 50,000 pairings takes about a minute of CPU in under 1 GB (it took minutes and
# ~9 GB before). Above this size a page view does not start it by itself.
LIVE_PLAN_LIMIT = 10_000
_CONFIRMED = "rebalancing_large_confirmed"


def _compute_allowed(engine: Engine, button_key: str) -> bool:
    """Whether a live plan may be computed on this view; asks first for very large programs."""
    if st.session_state.get(_CONFIRMED):
        return True
    size = open_pairing_count(engine)
    if size <= LIVE_PLAN_LIMIT:
        return True
    st.warning(
        f"This program has {size:,} running pairings. Computing the optimal plan for all of "
        "them takes about a minute, so it does not start on its own. The refresh after "
        "every import stores the plan for the saved weights, and page views then read it.",
        icon=":material/hourglass:",
    )
    if st.button("Compute the plan now", key=button_key):
        st.session_state[_CONFIRMED] = True
        st.rerun()
    return False


def size_guard(engine: Engine, fingerprint: tuple[Any, ...]) -> bool:
    """Whether the page may open: a current stored plan needs no computation; otherwise
    a very large program asks before computing."""
    if st.session_state.get(_CONFIRMED):
        return True
    saved = saved_config(engine, fingerprint)
    if stored_plan_time(engine, saved, fingerprint) is not None:
        return True
    return _compute_allowed(engine, "rebalancing_compute_large")
