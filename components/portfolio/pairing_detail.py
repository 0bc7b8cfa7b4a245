"""Sections of the pairing detail page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from components.health.flags import flag_workflow
from components.ui.charts import pairing_timeline
from components.ui.formatting import NOT_COMPUTED, plain
from components.ui.presenter import NameMask
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
    AUTHOR_ROLE_LABELS,
    FLAG_REASON_LABELS,
    FLAG_STATUS_LABELS,
    SOURCE_LABELS,
    VISIBILITY_LABELS,
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
        f"{pairing['kind'].title()} pairing · {plain(cohort)} · status {pairing['status']} · "
        f"started {pairing['start_date']:%Y-%m-%d} · meets every {pairing['cadence_days']} days"
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
        st.caption(f"Health: {NOT_COMPUTED}. Run `python -m tandem refresh`.")
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
    chart = pairing_timeline(checkins, milestones)
    if chart is None:
        st.info("No check-ins or milestones recorded yet.")
    else:
        st.altair_chart(chart, width="stretch")
    if not milestones.empty:
        columns = ["title", "due_date", "completed_date", "status_label", "success_criteria"]
        if viewer.presenting:
            columns = ["due_date", "completed_date", "status_label"]
        st.dataframe(
            milestones[columns],
            hide_index=True,
            column_config={
                "title": "Milestone",
                "due_date": "Due",
                "completed_date": "Completed",
                "status_label": "Status",
                "success_criteria": "Success criteria",
            },
        )


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
    shown = frame.assign(
        source=frame["source"].map(SOURCE_LABELS).fillna(frame["source"]),
        author_role=frame["author_role"].map(AUTHOR_ROLE_LABELS).fillna(frame["author_role"]),
        visibility=frame["visibility"].map(VISIBILITY_LABELS).fillna(frame["visibility"]),
    )
    columns = ["date", "text", "source", "author_role"]
    if not viewer.presenting:  # a room sees shareable notes only: the column says nothing
        columns.append("visibility")
    # Plain text only: untrusted text never goes through markdown or HTML.
    st.dataframe(
        shown[columns],
        hide_index=True,
        column_config={
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "text": st.column_config.TextColumn("Note", width="large"),
            "source": "Source",
            "author_role": "Written by",
            "visibility": "Visibility",
        },
    )


def flags(engine: Engine, pairing_id: str, mask: NameMask, scope: Scope) -> None:
    flag_rows, history = pairing_flags(engine, pairing_id, scope)
    if flag_rows.empty:
        st.caption("No flags raised on this pairing.")
        flag_workflow(engine, pairing_id, prefix="detail")  # leads only, never presenting
        return
    flag_rows = flag_rows.assign(
        reason=flag_rows["reason"].map(FLAG_REASON_LABELS).fillna(flag_rows["reason"]),
        status=flag_rows["status"].map(FLAG_STATUS_LABELS).fillna(flag_rows["status"]),
    )
    labels: dict[str, Any] = {
        "raised_at": st.column_config.DatetimeColumn("Raised", format="YYYY-MM-DD"),
        "raised_by": "Raised by",
        "reason": "Reason",
        "status": "Status",
        "owner": "Owner",
        "note": "Note",
        "resolved_at": st.column_config.DatetimeColumn("Resolved", format="YYYY-MM-DD"),
        "resolution": "Resolution",
    }
    if mask.active:  # who raised it and what they wrote stay off the shared screen
        st.dataframe(
            flag_rows[["raised_at", "reason", "status"]], hide_index=True, column_config=labels
        )
        return
    # No "None" cells: an empty text is blank, and a column nobody filled in is left out.
    shown = flag_rows.drop(columns=["flag_id"]).fillna({"owner": "–", "note": "", "resolution": ""})
    unused = [c for c in ("resolved_at", "resolution") if not flag_rows[c].notna().any()]
    st.dataframe(shown.drop(columns=unused), hide_index=True, column_config=labels)
    if not history.empty:
        with st.expander("Flag history"):
            st.dataframe(history, hide_index=True)
    flag_workflow(engine, pairing_id, prefix="detail")  # leads only, never presenting
