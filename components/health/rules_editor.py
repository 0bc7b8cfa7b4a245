"""The health rules, shown and edited: the one editor, on the Stalled page and in Admin.

Both places call ``health_rules``: the formula in words
(``tandem.health.describe_formula``, from the settings in force), the weights
and the stall rules as tables, and — for a viewer who may tune rules, never
presenting — one form.  One behaviour after a save wherever it is drawn: the
save is validated and audited (``tandem.health.save_health_settings``), health
is recomputed with the new rules when the box is ticked (the default, so the
scores shown are those of the formula shown), every cached read is cleared
(``components.ui.database.clear_caches``), and a notice says what happened.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui import notices
from components.ui.database import clear_caches
from components.ui.formatting import plain
from tandem import health
from tandem.access import Viewer
from tandem.program.models import PAIRING_STATUS_LABELS
from tandem.program.settings import SettingsError

NOTICE_KEY = "health_rules_notice"
#: The folded editor on the Stalled page (open or not).
EDITOR_KEY = "health_rules_open"
_PREFIX = "health_rules"
_SECTIONS = ("stall", "scoring", "reasons")


def _tables(settings: dict[str, Any]) -> None:
    weights = settings["weights"]
    total = sum(float(weights[name]) for name in health.COMPONENTS) or 1.0
    left, right = st.columns(2)
    left.dataframe(
        pd.DataFrame(
            {
                "Component": [health.COMPONENT_LABELS[name] for name in health.COMPONENTS],
                "Weight": [float(weights[name]) for name in health.COMPONENTS],
                "Share": [float(weights[name]) / total for name in health.COMPONENTS],
            }
        ),
        hide_index=True,
        column_config={"Share": st.column_config.NumberColumn(format="percent")},
    )
    right.dataframe(
        pd.DataFrame(
            {
                "Stall rule": [health.setting_label("stall", k) for k in settings["stall"]],
                "Value": [f"{float(v):g}" for v in settings["stall"].values()],
            }
        ),
        hide_index=True,
        column_config={
            "Stall rule": st.column_config.TextColumn(width=300),
            "Value": st.column_config.TextColumn(width=60),
        },
    )


def _key(tag: str, section: str, name: str) -> str:
    return f"{_PREFIX}_{section or 'top'}_{name}_{tag}"


def _number(section: str, name: str, value: Any, key: str) -> None:
    label = health.setting_label(section, name)
    step = health.setting_step(section, name)
    if isinstance(value, int) and not isinstance(value, bool):
        st.number_input(label, value=int(value), step=int(step), key=key)
    else:
        st.number_input(label, value=float(value), step=float(step), format="%g", key=key)


def _form(engine: Engine, viewer: Viewer, settings: dict[str, Any]) -> None:
    # Keys follow the stored settings, so a save anywhere redraws the form from them.
    tag = hashlib.sha256(repr(sorted(settings.items())).encode()).hexdigest()[:8]
    with st.form(f"{_PREFIX}_form_{tag}"):
        st.markdown("**Weights** (relative; they need not add up to 1)")
        columns = st.columns(3)
        for index, name in enumerate(health.COMPONENTS):
            with columns[index % 3]:
                _number("weights", name, settings["weights"][name], _key(tag, "weights", name))
        left, right = st.columns(2)
        with left:
            _number("", "at_risk_below", settings["at_risk_below"], _key(tag, "", "at_risk_below"))
        right.multiselect(
            "Watch for stalls in pairings that are",
            list(health.STALLABLE_STATUSES),
            default=list(health.watched_statuses(settings)),
            format_func=PAIRING_STATUS_LABELS.__getitem__,
            key=_key(tag, "", "stall_statuses"),
        )
        for section in _SECTIONS:
            st.markdown(f"**{health.SECTION_LABELS[section]}**")
            columns = st.columns(3)
            for index, (name, value) in enumerate(settings[section].items()):
                with columns[index % 3]:
                    _number(section, name, value, _key(tag, section, name))
        st.checkbox("Recompute health after saving", value=True, key=_key(tag, "", "recompute"))
        st.form_submit_button(
            "Save the health rules",
            icon=":material/save:",
            key=f"{_PREFIX}_save",
            on_click=_on_save,
            args=(engine, viewer, settings, tag),
        )


def _submitted(settings: dict[str, Any], tag: str) -> dict[str, Any]:
    state = st.session_state
    value: dict[str, Any] = {
        "weights": {name: state[_key(tag, "weights", name)] for name in health.COMPONENTS},
        "at_risk_below": state[_key(tag, "", "at_risk_below")],
        "stall_statuses": list(state.get(_key(tag, "", "stall_statuses")) or []),
    }
    for section in _SECTIONS:
        value[section] = {name: state[_key(tag, section, name)] for name in settings[section]}
    return value


def _on_save(engine: Engine, viewer: Viewer, settings: dict[str, Any], tag: str) -> None:
    try:
        health.save_health_settings(engine, _submitted(settings, tag), viewer.actor)
    except SettingsError as error:
        notices.leave(NOTICE_KEY, "error", f"Not saved: {plain(error)}")
        return
    message = "Health rules saved."
    if st.session_state.get(_key(tag, "", "recompute")):
        report = health.refresh_health(engine, actor=viewer.actor)
        message += (
            f" Health recomputed with them: {report.stalled:,} stalled, {report.at_risk:,} at risk."
        )
    else:
        message += " They apply at the next recompute of health."
    clear_caches()
    notices.leave(NOTICE_KEY, "success", message)


def health_rules(engine: Engine, viewer: Viewer, *, expander: str | None = None) -> None:
    """The formula in words and tables; the editor for a viewer who may tune rules.

    ``expander``: draw the form folded under this label (the notice stays outside it).
    """
    settings = health.health_settings(engine)
    st.caption(health.describe_formula(settings))
    _tables(settings)
    notices.show(NOTICE_KEY)
    if viewer.presenting or not viewer.can("tune_rules"):
        return
    if expander is None:
        _form(engine, viewer, settings)
        return
    # Drawn only while open (opening it reruns the page): its 20 inputs were a tenth
    # of what the Stalled page sent on every run.
    with st.expander(expander, icon=":material/tune:", key=EDITOR_KEY, on_change="rerun") as fold:
        if fold.open:
            _form(engine, viewer, settings)
