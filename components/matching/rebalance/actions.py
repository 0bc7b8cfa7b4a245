"""Accept, decline and refresh: button callbacks and the outcome they leave.

The callbacks receive the suggestion *as it was drawn*, so a pairing changed in
the meantime is refused by ``accept_suggestion`` instead of a newer suggestion
being accepted silently.  The outcome is shown for as long as the data is as the
action left it (Streamlit may run the page more than once after a click).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy import Engine

from components.ui.database import clear_caches
from components.ui.formatting import plain, plural
from components.ui.pairing_links import pairing_link
from tandem.access import OutOfScope, Scope, Viewer
from tandem.matching import (
    Suggestion,
    SuggestionConflict,
    accept_suggestion,
    data_fingerprint,
    decline_suggestion,
    refresh_rebalance_plan,
    suggestion_key,
)

OUTCOME_KEY = "rb_outcome"
ACTED_KEY = "rb_acted"


# --- accept / decline ------------------------------------------------------------------


def accept(engine: Engine, scope: Scope, suggestion: Suggestion, actor: str) -> None:
    """Button callback: runs with the suggestion as it was drawn (see the module docstring)."""
    acted: dict[str, str] = st.session_state.setdefault(ACTED_KEY, {})
    key = suggestion_key(suggestion)
    if key in acted:  # a second click on a suggestion already acted on
        _report(engine, "info", "This suggestion was already handled.")
        return
    try:
        new_id = accept_suggestion(engine, scope, suggestion, actor)
    except OutOfScope as error:
        _report(engine, "error", f"Not accepted: {error}")
    except SuggestionConflict as error:
        _report(
            engine,
            "error",
            f"Not accepted: {error}. Another change reached this pairing first; "
            "the plan below has been recomputed from the current data.",
        )
    else:
        acted[key] = new_id
        _report(
            engine,
            "success",
            f"Accepted: pairing {suggestion.pairing_id} ended and the proposed pairing "
            f"{new_id} was created. Confirm it with both people before it becomes active.",
            new_id,
        )
    clear_caches()


def decline(engine: Engine, scope: Scope, suggestion: Suggestion, actor: str) -> None:
    acted: dict[str, str] = st.session_state.setdefault(ACTED_KEY, {})
    key = suggestion_key(suggestion)
    if key in acted:
        _report(engine, "info", "This suggestion was already handled.")
        return
    try:
        decline_suggestion(engine, scope, suggestion, actor)
    except OutOfScope as error:
        _report(engine, "error", f"Not declined: {error}")
        return
    acted[key] = ""
    _report(
        engine,
        "info",
        f"Declined: this mentor will not be suggested again for pairing {suggestion.pairing_id}.",
    )
    clear_caches()


def store_plan_button(engine: Engine, viewer: Viewer, key: str) -> None:
    """A button that stores the plan for the saved weights (what the refresh does after an
    import), so later page views read it instead of computing."""
    if viewer.can("rebalance"):
        st.button(
            "Store the plan for the saved weights",
            key=key,
            icon=":material/sync:",
            on_click=_store_plan,
            args=(engine,),
            help="Computes the plan once and keeps it, so every page view reads it at once.",
        )


def _store_plan(engine: Engine) -> None:
    try:
        report = refresh_rebalance_plan(engine)
    except Exception as error:  # shown, not raised: nothing the viewer did is lost
        _report(engine, "error", f"The plan was not stored ({type(error).__name__}).")
    else:
        _report(
            engine,
            "success",
            f"Plan stored for the saved weights: {plural(report.suggestions, 'suggested move')}"
            f" and {plural(report.rotation, 'next mentor')} for rotation.",
        )
    finally:
        clear_caches()


def _report(engine: Engine, kind: str, message: str, pairing_id: str | None = None) -> None:
    """Keep the result of an action for :func:`outcome_message`, with the data it left."""
    st.session_state[OUTCOME_KEY] = (
        kind,
        message,
        pairing_id,
        data_fingerprint(engine),
    )


def outcome_message(fingerprint: tuple[Any, ...]) -> None:
    """The result of the last accept, decline or save.

    Shown for as long as the data is as that action left it: Streamlit may
    run the page more than once after a click, so "show once" would lose it;
    once anyone changes the data, the message is stale and goes.
    """
    outcome = st.session_state.get(OUTCOME_KEY)
    if outcome is None:
        return
    kind, message, pairing_id, seen = outcome
    if seen != fingerprint:
        del st.session_state[OUTCOME_KEY]
        return
    if kind == "success":
        st.success(plain(message), icon=":material/check_circle:")
        if pairing_id:
            pairing_link(pairing_id, "Open the new proposed pairing")
    elif kind == "error":
        st.error(plain(message), icon=":material/sync_problem:")
    else:
        st.info(plain(message))
