"""Matching: pair a cohort's sign-ups, try weights live, pin or forbid, approve; learn weights."""

from __future__ import annotations

import streamlit as st

from components.matching import cohort as section
from components.matching.weights import weight_editor
from components.ui.shell import page_setup, page_viewer

engine = page_setup(
    "Matching",
    "The people who signed up for a cohort and are not yet paired, and the best set of "
    "pairings for them under the weights below — approve them into proposed pairings.",
)
viewer = page_viewer()
cohort_id = section.cohort_picker(engine, viewer)
if cohort_id is None:
    st.stop()
st.subheader("Weights")
config = weight_editor(engine, viewer, key="match_weights")
match = section.current_match(engine, viewer, cohort_id, config)
if match is None:
    st.stop()
saved = section.current_match(engine, viewer, cohort_id, section.current_config(engine))
names = section.names_for(engine, viewer, match)
section.summary(match, saved)
st.subheader("Proposed pairings")
section.proposals_section(match, names)
section.pins_section(viewer, match, names)
section.approve_section(engine, viewer, match, names)
st.subheader("Left unmatched")
section.unmatched_section(match, names)
st.subheader("Sign-ups")
section.sign_ups_section(match, names)
st.subheader("Approved, not yet started")
section.proposed_section(engine, viewer, cohort_id, names)
st.subheader("What has predicted progress in this program")
section.learned_section(engine, viewer, cohort_id, match, names)
