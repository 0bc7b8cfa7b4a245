"""Feedback themes: what mentors and mentees talk about, how it shifts, and the codebook."""

from __future__ import annotations

from components.themes import coding
from components.themes import sections as section
from components.ui.briefing import briefing_button
from components.ui.filter_bar import filter_bar
from components.ui.shell import page_setup, page_viewer
from components.ui.tabs import lazy_tabs

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
    lead = viewer.can("edit_codebook")
    names += ["Codebook", "Coding queue", "Hand-coding"] if lead else ["Codebook"]
    names.append("Discovered")
# Only the open tab runs (its name is in the URL as ?section=…): at 50,000
# pairings rendering every tab on each view cost seconds.
sections = {
    "Overview": lambda: section.overview(engine, filters),
    "Breakdowns": lambda: section.breakdowns(engine, filters),
    "Quotes": lambda: section.quotes(engine, filters),
    "Codebook": lambda: section.codebook(engine, viewer),
    "Coding queue": lambda: coding.queue(engine, filters, viewer),
    "Hand-coding": lambda: section.hand_coding(engine, filters, viewer),
    "Discovered": lambda: section.discovered(engine, viewer),
}
lazy_tabs({name: sections[name] for name in names}, key="section", in_url=True)
briefing_button(engine, "Feedback themes", filters)
