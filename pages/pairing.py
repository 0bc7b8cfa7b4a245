"""Pairing detail: one pairing's story, opened from the portfolio (``?pairing=ID``)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components.portfolio import pairing_detail as section
from components.ui.shell import name_mask, page_setup, page_viewer
from tandem.access import OutOfScope
from tandem.portfolio.pairing_detail import pairing_story

engine = page_setup("Pairing")
viewer = page_viewer()
pairing_id = section.requested_pairing_id()
try:
    story = pairing_story(engine, pairing_id, viewer.scope) if pairing_id else None
except OutOfScope:
    section.out_of_scope_notice()
    st.stop()
if story is None:
    st.info("Choose a pairing in the Portfolio to see its story.")
    st.page_link("pages/portfolio.py", label="Open the portfolio", icon=":material/table:")
    st.stop()

mask = name_mask()
section.heading(story, mask)
main, side = st.columns([3, 1])
with main:
    section.people_and_contract(story, mask)
with side:
    section.health_summary(story, mask)
st.subheader("Check-ins and milestones")
section.timeline(engine, story.pairing["pairing_id"], dt.date.today(), viewer)
st.subheader("Notes")
section.notes(engine, story.pairing["pairing_id"], viewer)
st.subheader("Flags")
section.flags(engine, story.pairing["pairing_id"], mask, viewer.scope)
