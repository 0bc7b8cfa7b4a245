"""Admin: the tunable rules (privacy threshold, health, matching) and refresh now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.admin.common import humanise, notify, plain, show_notice
from components.health.rules_editor import health_rules
from components.ui.database import clear_caches
from tandem.access import Viewer
from tandem.access.privacy import DEFAULT_PRIVACY_SETTINGS, SETTINGS_KEY, privacy_threshold
from tandem.matching import scoring as matching
from tandem.program.settings import SettingsError, put_setting
from tandem.refresh import refresh_all


def _settings_frame(rows: list[tuple[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame({"Rule": [label for label, _ in rows], "Value": [_fmt(v) for _, v in rows]})


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number_input(label: str, value: Any, key: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool):
        st.number_input(label, value=int(value), step=1, key=key)
    else:
        st.number_input(label, value=float(value), step=0.05, format="%.2f", key=key)


def _from_keys(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The numbers a form holds under ``prefix_<section>_<name>`` keys, shaped like
    ``template`` (what the form was drawn from); other keys of ``template`` are left out."""
    value: dict[str, Any] = {}
    for name, item in template.items():
        if isinstance(item, dict):
            value[name] = _from_keys(item, f"{prefix}_{name}")
        elif isinstance(item, int | float) and f"{prefix}_{name}" in st.session_state:
            value[name] = st.session_state[f"{prefix}_{name}"]
    return value


def rules_section(engine: Engine, viewer: Viewer) -> None:
    can_edit = viewer.can("settings") or viewer.can("tune_rules")
    show_notice("rules")
    st.subheader("Privacy")
    _privacy(engine, viewer, can_edit)
    st.subheader("Pairing health and stall rules")
    health_rules(engine, viewer)
    if can_edit:
        _refresh_now(engine, viewer)
    st.subheader("Matching weights")
    _matching(engine, viewer, can_edit)


_REFRESH_REQUESTED = "admin_refresh_requested"


def _refresh_now(engine: Engine, viewer: Viewer) -> None:
    """Health rules apply at the next refresh; this runs one now (same as the CLI's)."""
    if not st.session_state.pop(_REFRESH_REQUESTED, False):
        st.button(
            "Recompute health now",
            key="admin_refresh",
            icon=":material/sync:",
            on_click=lambda: st.session_state.__setitem__(_REFRESH_REQUESTED, True),
            help="Recompute themes, sentiment and every pairing's health with the rules above.",
        )
        return
    with st.status("Recomputing themes and health…", expanded=True) as status:
        line = st.empty()

        def say(message: str) -> None:
            line.text(message)

        try:
            report = refresh_all(engine, actor=viewer.actor, progress=say)
        except Exception as error:  # shown, not raised: the rules themselves were saved
            status.update(label=f"The refresh failed ({type(error).__name__})", state="error")
            return
        finally:
            clear_caches()
        line.text(report.summary())
        status.update(label="Themes and health recomputed", state="complete")


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


def _matching(engine: Engine, viewer: Viewer, can_edit: bool) -> None:
    config = matching.load_match_config(engine).to_dict()
    st.caption(
        "How suggested pairings and rebalancing moves are scored: weights of the "
        "components (relative), and the thresholds rebalancing uses."
    )
    scalars = {k: v for k, v in config.items() if k != "weights"}
    if not can_edit:
        rows = [
            (f"Weight: {matching.COMPONENT_LABELS.get(k, k)}", v)
            for k, v in config["weights"].items()
        ]
        rows += [(humanise(k), v) for k, v in scalars.items()]
        st.dataframe(_settings_frame(rows), hide_index=True)
        return
    with st.form("admin_matching_form"):
        columns = st.columns(3)
        for index, (name, weight) in enumerate(config["weights"].items()):
            with columns[index % 3]:
                _number_input(
                    matching.COMPONENT_LABELS.get(name, name).capitalize(),
                    float(weight),
                    f"admin_match_weights_{name}",
                )
        for name, number in scalars.items():
            _number_input(humanise(name), float(number), f"admin_match_{name}")
        st.form_submit_button(
            "Save matching weights",
            key="admin_match_save",
            on_click=_save_matching,
            args=(engine, viewer, config),
        )


def _save_matching(engine: Engine, viewer: Viewer, template: dict[str, Any]) -> None:
    value = _from_keys(template, "admin_match")
    _save_setting(
        "Matching weights", lambda: matching.save_match_config(engine, value, viewer.actor)
    )
