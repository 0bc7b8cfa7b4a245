"""Sections of the pairing detail page."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from components.health.flags import flag_workflow
from components.health.queue import RECOMPUTE_HEALTH_BUTTON
from components.ui.briefing import chart as exportable_chart
from components.ui.charts import pairing_timeline
from components.ui.formatting import NOT_COMPUTED, computed_by_refresh, date_text, plain
from components.ui.presenter import NameMask
from components.ui.tables import Column, header, show_table
from tandem.access import Scope, Viewer
from tandem.health import verdict_label
from tandem.portfolio.pairing_detail import (
    PairingStory,
    pairing_checkins,
    pairing_feedback,
    pairing_flags,
    pairing_milestones,
    private_note_count,
)
from tandem.program.competencies import parse_list
from tandem.program.models import (
    FLAG_REASON_LABELS,
    FLAG_STATUS_LABELS,
    KIND_LABELS,
    PAIRING_STATUS_LABELS,
)


def requested_pairing_id() -> str | None:
    value = st.query_params.get("pairing")
    return value.strip()[:64] if value and value.strip() else None


def out_of_scope_notice() -> None:
    """What a lead sees for a pairing of another cohort: no story, only why."""
    st.warning(
        "**This pairing is not in your cohorts.** Its story, notes and flags are shown to "
        "the leads of its cohort and to administrators. Ask an administrator if you "
        "should be able to see it.",
        icon=":material/lock:",
    )
    st.page_link("pages/portfolio.py", label="Open your portfolio", icon=":material/table:")


def _person(column: Any, role: str, person: dict[str, Any], mask: NameMask) -> None:
    with column.container(border=True):
        st.markdown(f"**{role}**")
        st.text(mask.name(person["name"], person["person_id"]))
        details = [
            # A job title can identify someone as surely as a name.
            "" if mask.active else person.get("title") or "",
            f"level {person['level']}",
            person["division"],
            person.get("function") or "",
            person["geography"],
        ]
        st.caption(" · ".join(plain(part) for part in details if part))
        strengths = parse_list(person.get("strengths"))
        goals = parse_list(person.get("development_goals"))
        st.text(f"Strengths: {', '.join(strengths) if strengths else '–'}")
        st.text(f"Development goals: {', '.join(goals) if goals else '–'}")


def heading(story: PairingStory, mask: NameMask) -> None:
    mentor = mask.name(story.mentor["name"], story.mentor["person_id"])
    mentee = mask.name(story.mentee["name"], story.mentee["person_id"])
    st.subheader(f"{plain(mentor)} mentoring {plain(mentee)}")


def people_and_contract(story: PairingStory, mask: NameMask) -> None:
    pairing = story.pairing
    left, right = st.columns(2)
    _person(left, "Mentor", story.mentor, mask)
    _person(right, "Mentee", story.mentee, mask)
    covered = story.mentor_covers
    goals = parse_list(story.mentee.get("development_goals"))
    if goals:
        st.text(
            f"The mentor's strengths cover {len(covered)} of the mentee's {len(goals)} "
            f"development goals" + (f": {', '.join(covered)}." if covered else ".")
        )
    if story.mentee_covers:
        st.text(f"In return the mentee can teach: {', '.join(story.mentee_covers)}.")
    st.subheader("Learning contract")
    cohort = story.cohort["name"] if story.cohort else "no cohort"
    st.caption(
        f"{KIND_LABELS.get(pairing['kind'], pairing['kind'])} pairing · {plain(cohort)} · "
        f"{PAIRING_STATUS_LABELS.get(pairing['status'], pairing['status']).lower()} · "
        f"started {date_text(pairing['start_date'])} · meets every {pairing['cadence_days']} days"
    )
    objective = pairing.get("objective")
    if mask.active:
        st.caption("The objective is not shown in presenter mode.")
    else:
        st.text(f"Objective: {objective}" if objective else "No objective written yet.")


def health_summary(story: PairingStory, mask: NameMask) -> None:
    health = story.health
    if health is None or health.get("health") is None:
        st.metric("Health", "–")
        where = computed_by_refresh(
            "health", RECOMPUTE_HEALTH_BUTTON, "on the Stalled pairings page"
        )
        st.caption(f"Health: {NOT_COMPUTED}. {where}")
        return
    label = verdict_label(bool(health["stalled"]), bool(health["at_risk"])).lower()
    st.metric("Health", f"{health['health']:.0f} / 100", help=f"As of {health['as_of']}")
    st.caption(f"Verdict: {label}")
    for reason in (health.get("reasons") or "").split(";"):
        if reason.strip():
            st.text(f"• {reason.strip()}")


def timeline(engine: Engine, pairing_id: str, today: dt.date, viewer: Viewer) -> None:
    checkins = pairing_checkins(engine, pairing_id, viewer.scope)
    # Presenting, the core withholds milestone titles and criteria (free text).
    milestones = pairing_milestones(engine, pairing_id, today, viewer.scope)
    # Not exportable: one pairing's own ratings, not an aggregate.
    drawn = exportable_chart(
        partial(pairing_timeline, checkins, milestones),
        "pairing-timeline",
        exportable=False,
        width="stretch",
    )
    if drawn is None:  # nothing rated, no milestone
        st.info("No check-ins or milestones recorded yet.")
    else:
        st.caption(
            "Each check-in's ratings on the 1–5 scale, with the milestones as diamonds "
            "along the bottom, coloured by status: look for ratings that dip or stall."
        )
    if not milestones.empty:
        columns: dict[str, Column | str] = {
            # Widths that add up to the grid at 1280 px: Status and the criteria in view.
            "title": Column("Milestone", wrap=True, width=250),
            "due_date": Column("Due", kind="date"),
            "completed_date": Column("Completed", kind="date"),
            "status_label": Column("Status", width=120),
            "success_criteria": Column("Success criteria", wrap=True, width=220),
        }
        if viewer.presenting:
            columns = {k: v for k, v in columns.items() if k not in ("title", "success_criteria")}
        show_table(milestones, columns)


def notes(engine: Engine, pairing_id: str, viewer: Viewer) -> None:
    # The core decides what may be read: never private text; presenting, shareable
    # notes only, with names redacted.
    frame = pairing_feedback(engine, pairing_id, viewer.scope)
    if viewer.presenting:
        st.caption("Presenter mode: only shareable notes, with names redacted.")
    hidden = private_note_count(engine, pairing_id, viewer.scope)
    if hidden:
        st.caption(
            f"{hidden:,} private {'note stays' if hidden == 1 else 'notes stay'} within the "
            "pair: counted in themes and sentiment, never shown."
        )
    if frame.empty:
        st.caption("No notes you may see.")
        return
    columns: dict[str, Column | str] = {
        "date": Column("Date", kind="date"),
        "text": Column("Note", wrap=True, width=420),  # Visibility still in view at 1280 px
        "author_role": Column("Written by", width="small"),
        "source": Column("Source", width="small"),
    }
    if not viewer.presenting:  # a room sees shareable notes only: the column says nothing
        columns["visibility"] = Column("Visibility", width="small")
    # Plain text only: untrusted text never goes through markdown or HTML; long notes
    # wrap over taller rows (the grid's own detail view shows the rest on a click).
    show_table(frame, columns, row_height=80)


def flags(engine: Engine, pairing_id: str, mask: NameMask, scope: Scope) -> None:
    flag_rows, history = pairing_flags(engine, pairing_id, scope)
    if flag_rows.empty:
        st.caption("No flags raised on this pairing.")
        flag_workflow(engine, pairing_id, prefix="detail")  # leads only, never presenting
        return
    labels: dict[str, Column | str] = {
        "raised_at": Column("Raised", kind="date"),
        "reason": Column("Reason", kind="code", codes=FLAG_REASON_LABELS),
        "status": Column("Status", kind="code", codes=FLAG_STATUS_LABELS, width="small"),
        "owner": "Owner",
        "raised_by": "Raised by",
        "note": Column("Note", wrap=True),
        "resolved_at": Column("Resolved", kind="date"),
        "resolution": Column("Resolution", wrap=True),
    }
    if mask.active:  # who raised it and what they wrote stay off the shared screen
        show_table(flag_rows, {k: labels[k] for k in ("raised_at", "reason", "status")})
        return
    # A column nobody filled in is left out; an empty cell reads "—".
    unused = {c for c in ("resolved_at", "resolution") if not flag_rows[c].notna().any()}
    show_table(flag_rows, {k: v for k, v in labels.items() if k not in unused})
    if not history.empty:
        with st.expander("Flag history"):
            show_table(history, {column: header(column) for column in history.columns})
    flag_workflow(engine, pairing_id, prefix="detail")  # leads only, never presenting
