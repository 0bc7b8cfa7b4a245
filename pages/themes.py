"""Feedback themes: what mentors and mentees talk about, how it shifts, and the codebook."""

from __future__ import annotations

import streamlit as st

from components import themes as section
from components.briefing import briefing_button
from components.filter_bar import filter_bar
from components.shell import page_setup, page_viewer

engine = page_setup(
    "Feedback themes",
    "What check-in notes, surveys and retrospectives talk about, how it shifts over time, "
    "and how the notes are feeling — small groups suppressed, only shareable notes quoted.",
)
filters = filter_bar(engine)
viewer = page_viewer()
section.engine_status(engine)
if viewer.can("edit_codebook"):
    section.refresh_button(engine, viewer)
section.flash()

names = ["Overview", "Breakdowns", "Quotes"]
if not viewer.presenting:  # presenter mode: no editing, no raw notes
    names += ["Codebook", "Hand-coding"] if viewer.can("edit_codebook") else ["Codebook"]
    names.append("Discovered")
tabs = dict(zip(names, st.tabs(names), strict=True))
with tabs["Overview"]:
    section.overview(engine, filters)
with tabs["Breakdowns"]:
    section.breakdowns(engine, filters)
with tabs["Quotes"]:
    section.quotes(engine, filters)
if "Codebook" in tabs:
    with tabs["Codebook"]:
        section.codebook(engine, viewer)
if "Hand-coding" in tabs:
    with tabs["Hand-coding"]:
        section.hand_coding(engine, filters, viewer)
if "Discovered" in tabs:
    with tabs["Discovered"]:
        section.discovered(engine, viewer)
briefing_button(engine, "Feedback themes", filters)
