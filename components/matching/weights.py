"""The matching-weight sliders: the unsaved configuration a lead is trying out.

A simple editor (one slider per score component, starting at the saved
weights); the page that owns saving decides what to do with the result.
"""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st
from sqlalchemy import Engine

from tandem.access import Viewer
from tandem.matching.scoring import COMPONENT_LABELS, COMPONENTS, MatchConfig, load_match_config


def weight_editor(engine: Engine, viewer: Viewer, *, key: str) -> MatchConfig:
    """One slider per component; returns the (unsaved) configuration they describe.

    Viewers who may not tune rules (sponsors, presenter mode) see the saved
    weights, disabled.
    """
    saved = load_match_config(engine)
    top = max(1.0, math.ceil(max(saved.weights.values())))
    columns = st.columns(len(COMPONENTS))
    weights = {
        name: column.slider(
            COMPONENT_LABELS[name].capitalize(),
            min_value=0.0,
            max_value=top,
            value=float(saved.weights[name]),
            step=0.05,
            key=f"{key}_{name}",
            disabled=not viewer.can("tune_rules"),
        )
        for name, column in zip(COMPONENTS, columns, strict=True)
    }
    if sum(weights.values()) <= 0:
        st.warning("At least one weight must be above 0; the saved weights apply.")
        return saved
    return replace(saved, weights=weights)
