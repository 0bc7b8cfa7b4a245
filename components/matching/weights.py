"""The one editor of the matching weights: Rebalancing, Admin and the Matching page use it.

Sliders start at the saved configuration (``tandem.matching.scoring``); what they
describe is returned *unsaved*, so the page around them can preview with it.  A
viewer who may tune the rules also gets **Save** (validated and audited by
``save_match_config``; caches cleared; a notice) and **Put back** (the saved
values again).  One behaviour after a save, wherever the editor is drawn: the
widgets' keys carry the identity of the saved configuration, so as soon as a
configuration is saved — here, on another page, by another person or from the
command line — every editor starts again from it, with nothing left to save.
"""

from __future__ import annotations

import hashlib
import math

import streamlit as st
from sqlalchemy import Engine

from components.ui import notices
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from components.ui.formatting import plain
from tandem.access import Viewer
from tandem.matching import (
    COMPONENT_LABELS,
    COMPONENTS,
    SCORE_SCALE,
    SETTING_LABELS,
    MatchConfig,
    config_key,
    config_with,
    load_match_config,
    save_match_config,
    weight_shares,
)
from tandem.program.settings import SettingsError

__all__ = ["weight_editor"]

#: The settings on the match score's scale, drawn as sliders on 0–100; the scales are
#: number inputs.
_SLIDERS = ("poor_fit_threshold", "move_margin")


@cached_query
def _saved_config(engine: Engine) -> MatchConfig:
    return load_match_config(engine)


def _generation(key: str) -> str:
    return f"{key}_generation"


def _notice(key: str) -> str:
    return f"{key}_notice"


def _widget_key(key: str, saved: MatchConfig, name: str) -> str:
    """A widget's key: new for each saved configuration and after each Put back.

    Changing the key (rather than writing to the widget's session state) gives a
    fresh widget at the saved value; a value set through session state can be lost
    when a fragment reruns.
    """
    identity = hashlib.sha1(repr(config_key(saved)).encode()).hexdigest()[:10]
    return f"{key}_{name}_{identity}_{st.session_state.get(_generation(key), 0)}"


def _put_back(key: str) -> None:
    st.session_state[_generation(key)] = st.session_state.get(_generation(key), 0) + 1


def _save(engine: Engine, config: MatchConfig, actor: str, key: str) -> None:
    try:
        save_match_config(engine, config, actor)
    except SettingsError as error:
        notices.leave(_notice(key), "error", f"Weights not saved: {plain(str(error))}")
        return
    finally:
        clear_caches()
    notices.leave(
        _notice(key),
        "success",
        "Weights saved. They now apply to every plan and to the match score everywhere.",
    )


def weight_editor(engine: Engine, viewer: Viewer, *, key: str) -> MatchConfig:
    """Sliders for the matching weights and settings; returns the configuration they
    describe (unsaved).  ``key`` prefixes every widget key: one per place it is drawn."""
    notices.show(_notice(key))
    saved = _saved_config(engine)
    can_tune = viewer.can("tune_rules")
    top = max(1.0, math.ceil(max(saved.weights.values())))
    weights = {
        name: column.slider(
            COMPONENT_LABELS[name].capitalize(),
            min_value=0.0,
            max_value=top,
            value=float(saved.weights[name]),
            step=0.05,
            key=_widget_key(key, saved, f"weight_{name}"),
            disabled=not can_tune,
        )
        for column, name in zip(st.columns(len(COMPONENTS)), COMPONENTS, strict=True)
    }
    others: dict[str, float] = {}
    for column, name in zip(st.columns(len(SETTING_LABELS)), SETTING_LABELS, strict=True):
        label, help_text = SETTING_LABELS[name]
        value = float(getattr(saved, name))
        widget_key = _widget_key(key, saved, name)
        if name in _SLIDERS:
            # Match scores are read on 0–100 everywhere; the setting is stored on 0–1.
            top = max(1.0 if name == "poor_fit_threshold" else 0.5, value) * SCORE_SCALE
            others[name] = (
                column.slider(
                    label,
                    min_value=0.0,
                    max_value=top,
                    value=value * SCORE_SCALE,
                    step=1.0,
                    format="%.0f",
                    key=widget_key,
                    disabled=not can_tune,
                    help=f"{help_text} On the match score's 0–100 scale.",
                )
                / SCORE_SCALE
            )
        else:
            # No bounds here: the range is the core's rule, shown when it refuses.
            others[name] = column.number_input(
                label, value=value, step=0.25, key=widget_key, disabled=not can_tune, help=help_text
            )
    try:
        config = config_with(saved, weights, **others)
    except SettingsError as error:
        st.error(f"These weights cannot be used: {plain(str(error))}. The saved weights apply.")
        config = saved
    changed = config_key(config) != config_key(saved)
    st.caption(
        "Share of the match score: "
        + " · ".join(
            f"{row.component} {row.share:.0%}" for row in weight_shares(config).itertuples()
        )
        + (
            " — unsaved: what is shown here uses these values; nothing is stored until you save."
            if changed
            else " — these are the saved weights."
        )
    )
    if can_tune:
        save_column, back_column, _ = st.columns([1, 1, 1])
        save_column.button(
            "Save these weights",
            key=f"{key}_save",
            icon=":material/save:",
            disabled=not changed,
            on_click=_save,
            args=(engine, config, viewer.actor, key),
        )
        back_column.button(
            "Put back the saved weights",
            key=f"{key}_put_back",
            icon=":material/undo:",
            disabled=not changed,
            on_click=_put_back,
            args=(key,),
        )
    return config
