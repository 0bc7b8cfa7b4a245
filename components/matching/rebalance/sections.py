"""The Mentor load, Unresolved and Rotation tabs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.matching.rebalance.charts import house_sized, load_spec
from components.matching.rebalance.reads import Names, names_for
from components.ui.formatting import plain
from components.ui.paging import choose_page
from components.ui.presenter import NameMask
from components.ui.tables import Column, show_table
from tandem.access import Viewer
from tandem.matching import (
    LoadSummary,
    RebalancePlan,
    RotationSuggestion,
    load_long,
    rotation_runner_up,
    scores_text,
)

#: Rows of the rotation table per page.
ROTATION_PAGE_SIZE = 50


def plain_join(items: Sequence[str]) -> str:
    """Reasons as one clause list: "a; b"."""
    return "; ".join(i for i in items if i)


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def load_section(loads: LoadSummary, names: Names) -> None:
    if loads.concerned == 0:
        st.caption("No mentor's load changes and nobody is over capacity.")
        return
    drawn = loads.drawn
    long = load_long(drawn)
    long["label"] = [names(pid) for pid in long["person_id"]]
    # Only what the chart draws goes to the browser: in presenter mode the label is a
    # pseudonym, and the real name and id must not travel in the chart's data.
    chart_data = long[["label", "when", "load", "max_mentees"]]
    st.vega_lite_chart(chart_data, house_sized(load_spec(chart_data)), width="stretch")
    st.caption(
        "Load counts active, paused and proposed pairings; the red tick is each mentor's "
        f"capacity. Over capacity before: {loads.over_before}, "
        f"after accepting every suggestion shown: {loads.over_after}."
        + (
            f" The chart shows {len(drawn)} of the {loads.concerned:,} mentors concerned: "
            "those over capacity, then the biggest changes."
            if len(drawn) < loads.concerned
            else ""
        )
    )


def unresolved_section(plan: RebalancePlan, unresolved: Sequence[Any], names: Names) -> None:
    """The plan's warnings and the pairings that stay for want of a place (all of them)."""
    for warning in plan.warnings:
        st.warning(plain(warning), icon=":material/warning:")
    if not unresolved:
        st.caption("Every pairing that should move has a place.")
        return
    frame = pd.DataFrame(
        {
            "Mentee": [names(u.mentee_id) for u in unresolved],
            "Current mentor": [names(u.current_mentor_id) for u in unresolved],
            "Why it stays": [_first_up(plain_join(u.reasons)) for u in unresolved],
            "Pairing": [u.pairing_id for u in unresolved],
        }
    )
    widths = {"Mentee": 170, "Current mentor": 170, "Why it stays": 460}
    show_table(frame, {name: Column(width=widths.get(name)) for name in frame.columns})


def rotation_section(
    engine: Engine,
    rotation: Sequence[RotationSuggestion],
    viewer: Viewer,
    fingerprint: tuple[Any, ...],
) -> None:
    """The mentees waiting for a next mentor, a page at a time (at 50,000 pairings
    ~4,600 of them: only the page shown is named and sent to the browser)."""
    if not rotation:
        st.caption(
            "No mentee is waiting for a next mentor: rotation looks at mentees whose "
            "pairing completed and who have no open pairing."
        )
        return
    page = choose_page(len(rotation), ROTATION_PAGE_SIZE, key="rb_rotation_page")
    shown = list(rotation[page.start : page.stop])
    if page.several:
        st.caption(f"{page.span('Mentees')}.")
    people: set[str] = set()
    for r in shown:
        people |= {r.mentee_id, r.suggested_mentor_id or "", r.runner_up_mentor_id or ""}
        people |= set(r.previous_mentor_ids)
    names = names_for(engine, fingerprint, people, NameMask(engine, viewer))

    def scored(r: RotationSuggestion) -> str:
        if not r.suggested_mentor_id or r.score is None:
            return "—"
        # Printed as finely as the runner-up's score beside it (a tie reads as one).
        others = [r.runner_up_score] if r.runner_up_score is not None else []
        return f"{names(r.suggested_mentor_id)} ({scores_text(r.score, *others)[0]})"

    # The columns a lead came for first (visible at 1280 px); the history after.
    frame = pd.DataFrame(
        {
            "Mentee": [names(r.mentee_id) for r in shown],
            "Next mentor": [scored(r) for r in shown],
            "Why": [_first_up(", ".join(r.reasons)) or "—" for r in shown],
            "Runner-up": [rotation_runner_up(r, names) for r in shown],
            "Previous mentors": [
                ", ".join(names(m) for m in r.previous_mentor_ids) or "—" for r in shown
            ],
            "Kind": [r.kind.capitalize() for r in shown],
        }
    )
    # Mentee, next mentor and why inside 1280 px; the rest to their right.
    widths = {"Mentee": 150, "Next mentor": 200, "Why": 460}
    show_table(frame, {name: Column(width=widths.get(name)) for name in frame.columns})
    st.caption(
        "Each next mentor brings a division or a geography none of the mentee's previous "
        "mentors had, passes the hard rules and has a free slot; assigned jointly, so two "
        "mentees never count on the same last slot."
    )
