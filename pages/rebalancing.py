"""Rebalancing: better mentors for pairings that should move, rotation, pins and the weights."""

from __future__ import annotations

import streamlit as st

from components.matching import rebalance as section
from components.ui.shell import page_setup, page_viewer

engine = page_setup(
    "Rebalancing",
    "Pairings inside a reporting line, with an overloaded mentor, stalled or poorly matched, "
    "and the optimal better mentor for each — under the weights below, tried live before saving.",
)
viewer = page_viewer()
st.caption(
    "The shared filters do not apply here: capacity is shared by the whole program, so the plan "
    "is always optimised over every pairing"
    + (" (you see and act on the suggestions in your cohorts)." if viewer.cohorts else ".")
)
fingerprint = section.current_fingerprint(engine)  # once per data version
if not section.size_guard(engine, fingerprint):
    st.stop()
section.workbench(engine, viewer)
st.subheader("Pinned and excluded pairings")
st.caption(
    "A pinned pairing is never moved; an excluded one is left out of the plan altogether. "
    "Both keep their mentor's slot."
)
section.pins_and_excludes(engine, viewer, fingerprint)
