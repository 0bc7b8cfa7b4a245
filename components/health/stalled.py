"""The Stalled pairings page: the lead's queue, the health picture, and the flag workflow.

The flag forms are also used by the pairing detail page (``flag_workflow``).
Two rules shape them:

- **Double submits.**  A raise form's ``request_id`` is derived from a random
  base kept in ``session_state`` for that form plus what was submitted, so
  submitting the same flag twice — a double click, or the same content again
  — maps to the one flag ``raise_flag`` already wrote.
- **Concurrent edits.**  An update form remembers the flag *as it was when the
  form was first drawn* (``session_state``), and passes that version as
  ``expected_version``.  Rereading the flag on the submit's rerun would
  silently adopt the other lead's version and overwrite it.  On a conflict the
  user's input stays in the form, the current flag is shown next to it, and
  "Start again from the current version" redraws the form from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.ui import notices
from components.ui.cache import cached_query
from components.ui.database import clear_caches
from components.ui.formatting import NOT_COMPUTED, plain
from components.ui.shell import name_mask, page_viewer
from tandem.access import Scope, Viewer
from tandem.access.filters import Filters
from tandem.health import (
    COMPONENT_LABELS,
    COMPONENTS,
    MAX_NAME,
    MAX_TEXT,
    TRANSITIONS,
    FlagError,
    StaleFlagError,
    flag_as_dict,
    health_settings,
    raise_flag,
    refresh_health,
    save_health_settings,
    update_flag,
)
from tandem.health import stalled as queries
from tandem.program.downloads import csv_bytes
from tandem.program.models import FLAG_REASON_LABELS, FLAG_REASONS, FLAG_STATUS_LABELS, utcnow
from tandem.program.settings import SettingsError

PAGE_SIZE = 50
DETAIL_PAGE = "pages/pairing.py"
OUTCOME_KEY = "stalled_outcome"
CHOICE_KEY = "stalled_choice"
SELECTED_KEY = "stalled_selected_row"
REASON_LABELS = FLAG_REASON_LABELS
# No max_chars on the text areas: Streamlit would silently cut a longer paste
# to the limit; tandem.health.flags refuses it with a message instead, nothing written.
_TEXT_HELP = f"Up to {MAX_TEXT:,} characters."
STATUS_LABELS = FLAG_STATUS_LABELS
STALL_LABELS = {
    "no_contact_cadence_multiple": "No contact: cadences without a meeting",
    "no_contact_min_days": "No contact: at least this many days",
    "overdue_milestones": "Overdue milestones that make a stall",
    "rating_drop": "Rating fall (points) that makes a stall",
    "one_sided_streak": "One-sided check-ins in a row that make a stall",
}


# --- cached reads -----------------------------------------------------------


@cached_query
def _queue(engine: Engine, filters: Filters, offset: int) -> queries.QueuePage:
    return queries.stalled_queue(engine, filters, limit=PAGE_SIZE, offset=offset)


@cached_query
def _counts(engine: Engine, filters: Filters) -> queries.QueueCounts:
    return queries.queue_counts(engine, filters)


@cached_query
def _as_of(engine: Engine) -> queries.HealthAsOf:
    return queries.health_as_of(engine)


@cached_query
def _distribution(engine: Engine, filters: Filters, viewer: Viewer) -> pd.DataFrame:
    return queries.health_distribution(engine, filters, viewer).bands


# The trend and the nudge list read the stored health of the day it was
# scored (``as_of``), and recompute it live only when it is not current (after
# an import: seconds per month end at scale).  Shared read-only, not copied on
# each run.
@cached_query(shared=True)
def _trend(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    return queries.stall_trend(engine, filters, today=today)


@cached_query(shared=True)
def _nudges(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    return queries.filtered_nudge_list(engine, filters, today)


def _scored_day(info: queries.HealthAsOf) -> dt.date:
    """The day the trend and the nudge list describe: the stored health's day, like the
    queue above them (today before the first refresh)."""
    return info.as_of or utcnow().date()


def show_outcome() -> None:
    notices.show(OUTCOME_KEY)


# --- health data: as of, recompute, headline counts -------------------------


def _recompute(engine: Engine, viewer: Viewer) -> None:
    report = refresh_health(engine, actor=viewer.actor)
    clear_caches()
    notices.leave(
        OUTCOME_KEY,
        "success",
        f"Health recomputed as of {report.as_of:%Y-%m-%d}: {report.scored} pairings scored, "
        f"{report.stalled} stalled, {report.at_risk} at risk.",
    )


def as_of_bar(engine: Engine, viewer: Viewer) -> bool:
    """The date of the health data and, for a lead, "Recompute health now".

    Returns False when health has never been computed (nothing else to draw).
    """
    info = _as_of(engine)
    text_col, button_col = st.columns([3, 1])
    if info.as_of is None:
        text_col.info(f"Health is {NOT_COMPUTED}. Recompute it to fill the queue.")
    else:
        computed = f" (computed {info.computed_at:%Y-%m-%d %H:%M} UTC)" if info.computed_at else ""
        text_col.caption(
            f"Health as of {info.as_of:%Y-%m-%d}{computed} for {info.pairings:,} pairings."
        )
    may_recompute = viewer.can("tune_rules") or viewer.can("edit_flags")
    if may_recompute and not viewer.presenting:
        button_col.button(
            "Recompute health now",
            icon=":material/refresh:",
            key="stalled_recompute",
            on_click=_recompute,
            args=(engine, viewer),
        )
    return info.as_of is not None


def headline_counts(engine: Engine, filters: Filters) -> None:
    counts = _counts(engine, filters)
    stalled, at_risk, flags, unowned = st.columns(4)
    stalled.metric("Stalled", f"{counts.stalled:,}", help="Pairings a stall rule fired for.")
    at_risk.metric("At risk", f"{counts.at_risk:,}", help="Scored below the at-risk threshold.")
    flags.metric("Open flags", f"{counts.open_flags:,}", help="Open or in progress.")
    unowned.metric("Unowned flags", f"{counts.unowned_flags:,}", help="Open flags with no owner.")


# --- the queue ----------------------------------------------------------------


def _verdict(row: Any) -> str:
    if row.stalled:
        return "stalled"
    return "at risk" if row.at_risk else "flagged"


def _queue_display(rows: pd.DataFrame, presenting: bool) -> pd.DataFrame:
    owners = [
        # An owner is a typed name: on a shared screen only whether there is one.
        ("assigned" if presenting else str(owner)) if isinstance(owner, str) and owner else "–"
        for owner in rows.flag_owner
    ]
    return pd.DataFrame(
        {
            "Mentor": rows.mentor,
            "Mentee": rows.mentee,
            "Cohort": rows.cohort.fillna("–"),
            "Health": rows.health,
            "Verdict": [_verdict(row) for row in rows.itertuples()],
            "Open flags": rows.open_flags,
            "Owner": owners,
            "Reasons": [reason.replace(";", "; ") for reason in rows.reasons.fillna("")],
        }
    )


def queue_table(engine: Engine, filters: Filters) -> pd.DataFrame:
    """The queue, worst first; returns the rows of the page shown (for the flag panel)."""
    probe = _queue(engine, filters, 0)
    if probe.total == 0:
        st.info("No stalled, at-risk or flagged pairings under these filters.")
        return probe.rows
    pages = max(1, -(-probe.total // PAGE_SIZE))
    number = st.pagination(pages, key="stalled_page") if pages > 1 else 1
    page = probe if number == 1 else _queue(engine, filters, (number - 1) * PAGE_SIZE)
    mask = name_mask()
    rows = mask.frame(page.rows, {"mentor": "mentor_id", "mentee": "mentee_id"})
    first = (number - 1) * PAGE_SIZE + 1
    st.caption(
        f"Pairings {first:,}–{first + len(rows) - 1:,} of {page.total:,}: stalled first, then "
        "at risk, then pairings kept here only by an open flag; worst health first."
        + ("" if mask.active else " Select a row to work on its flags below.")
    )
    event = st.dataframe(
        _queue_display(rows, mask.active),
        hide_index=True,
        on_select="ignore" if mask.active else "rerun",
        selection_mode="single-row",
        key=f"stalled_grid_{number}",
        column_config={
            "Health": st.column_config.ProgressColumn(
                "Health", min_value=0, max_value=100, format="%.0f"
            ),
            "Reasons": st.column_config.TextColumn("Reasons", width="large"),
        },
    )
    selected = getattr(getattr(event, "selection", None), "rows", []) if event else []
    if selected:
        pairing_id = str(rows.iloc[selected[0]]["pairing_id"])
        # Only a new selection moves the panel, so the select box stays usable.
        if st.session_state.get(SELECTED_KEY) != pairing_id:
            st.session_state[SELECTED_KEY] = pairing_id
            st.session_state[CHOICE_KEY] = pairing_id
    return rows


def flag_panel(engine: Engine, rows: pd.DataFrame, viewer: Viewer) -> None:
    """The flags of one pairing of the queue page, with the workflow for a lead."""
    if rows.empty:
        return
    labels = {
        str(row.pairing_id): f"{row.mentor} → {row.mentee} ({row.pairing_id})"
        for row in rows.itertuples()
    }
    chosen = st.session_state.get(CHOICE_KEY)
    if chosen not in labels:
        if chosen is not None:  # it left the queue (a write elsewhere): say what became of a flag
            _show_message("stalled", f"raise_{chosen}")
        st.session_state.pop(CHOICE_KEY, None)
    pairing_id = st.selectbox(
        "Pairing", list(labels), format_func=labels.__getitem__, key=CHOICE_KEY
    )
    if pairing_id is None:
        return
    left, right = st.columns([3, 1])
    with right:
        st.page_link(
            DETAIL_PAGE,
            label="Open the pairing's story",
            icon=":material/handshake:",
            query_params={"pairing": pairing_id},
        )
    with left:
        flag_list(engine, pairing_id, viewer.scope)
    flag_workflow(engine, pairing_id, viewer, prefix="stalled")


def _flag_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Flag": frame.flag_id,
            "Reason": [REASON_LABELS.get(r, r) for r in frame.reason],
            "Status": [STATUS_LABELS.get(s, s) for s in frame.status],
            "Owner": frame.owner.fillna("–"),
            "Raised": frame.raised_at,
            "Raised by": frame.raised_by,
            "Note": frame.note.fillna(""),
            "Resolution": frame.resolution.fillna(""),
            "Version": frame.version,
        }
    )


def flag_list(engine: Engine, pairing_id: str, scope: Scope) -> None:
    frame = queries.pairing_flag_rows(engine, pairing_id, scope)
    if frame.empty:
        st.caption("No flags raised on this pairing yet.")
        return
    st.dataframe(_flag_table(frame), hide_index=True)


# --- the flag workflow (also on the pairing detail page) ---------------------


def flag_workflow(
    engine: Engine, pairing_id: str, viewer: Viewer | None = None, prefix: str = "flag"
) -> None:
    """Raise a flag and update this pairing's flags; only for "edit_flags", never presenting."""
    viewer = viewer or page_viewer()
    if viewer.presenting or not viewer.can("edit_flags"):
        return
    show_outcome()
    frame = queries.pairing_flag_rows(engine, pairing_id, viewer.scope)
    for flag in frame.itertuples():
        label = f"Update flag {plain(flag.flag_id)} · {REASON_LABELS.get(flag.reason, flag.reason)}"
        conflict = _conflict_key(prefix, str(flag.flag_id)) in st.session_state
        with st.expander(
            f"{label} · {STATUS_LABELS.get(flag.status, flag.status)}", expanded=conflict
        ):
            _update_form(engine, flag._asdict(), viewer, prefix)
    with st.expander("Raise a flag on this pairing", icon=":material/flag:"):
        _raise_form(engine, pairing_id, viewer, prefix)


def _request_id(base: str, content: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\x1f".join((base, *content)).encode("utf-8")).hexdigest()
    return digest[:32]


def _message_key(prefix: str, name: str) -> str:
    return f"{prefix}_message_{name}"


def _show_message(prefix: str, name: str) -> None:
    """A form's one-shot message (error or info), written by its submit callback."""
    notices.show(_message_key(prefix, name))


def _raise_form(engine: Engine, pairing_id: str, viewer: Viewer, prefix: str) -> None:
    generation_key = f"{prefix}_raise_gen_{pairing_id}"
    generation = st.session_state.setdefault(generation_key, 0)
    # Generated once for this form and kept: the same submission maps to one flag.
    base = st.session_state.setdefault(f"{prefix}_raise_rid_{pairing_id}", uuid.uuid4().hex)
    form_key = f"{prefix}_raise_{pairing_id}_{generation}"
    with st.form(form_key):
        st.selectbox(
            "Reason", FLAG_REASONS, format_func=REASON_LABELS.__getitem__, key=f"{form_key}_reason"
        )
        st.text_area(
            "Note (optional)",
            key=f"{form_key}_note",
            help=f"{_TEXT_HELP} Not shown in presenter mode.",
        )
        st.text_input(
            "Owner (optional)",
            max_chars=MAX_NAME,
            key=f"{form_key}_owner",
            placeholder="Who follows it up",
        )
        # A callback runs before the next script run, so no rerun can lose the click.
        st.form_submit_button(
            "Raise flag",
            icon=":material/flag:",
            on_click=_on_raise,
            args=(engine, pairing_id, viewer, prefix, form_key, base),
        )
    _show_message(prefix, f"raise_{pairing_id}")


def _on_raise(
    engine: Engine, pairing_id: str, viewer: Viewer, prefix: str, form_key: str, base: str
) -> None:
    state = st.session_state
    reason = str(state.get(f"{form_key}_reason"))
    note = str(state.get(f"{form_key}_note") or "")
    owner = str(state.get(f"{form_key}_owner") or "")
    message = _message_key(prefix, f"raise_{pairing_id}")
    content = (pairing_id, reason, note.strip(), owner.strip())
    started = utcnow()
    try:
        flag = raise_flag(
            engine,
            viewer.scope,
            pairing_id,
            reason,
            note,
            viewer.actor,
            owner=owner or None,
            request_id=_request_id(base, content),
        )
    except FlagError as error:
        state[message] = ("error", f"The flag was not raised: {plain(error)}")
        return
    if flag.raised_at < started:
        state[message] = (
            "info",
            f"This flag was already raised ({plain(flag.flag_id)}, "
            f"{STATUS_LABELS[flag.status].lower()}); nothing new was written.",
        )
        return
    state[f"{prefix}_raise_gen_{pairing_id}"] = state.get(f"{prefix}_raise_gen_{pairing_id}", 0) + 1
    clear_caches()
    notices.leave(
        OUTCOME_KEY, "success", f"Flag {plain(flag.flag_id)} raised ({REASON_LABELS[flag.reason]})."
    )


def _base_key(prefix: str, flag_id: str) -> str:
    return f"{prefix}_base_{flag_id}"


def _conflict_key(prefix: str, flag_id: str) -> str:
    return f"{prefix}_conflict_{flag_id}"


def _unsaved_key(prefix: str, flag_id: str) -> str:
    return f"{prefix}_unsaved_{flag_id}"


def _start_again(prefix: str, current: dict[str, Any]) -> None:
    st.session_state[_base_key(prefix, current["flag_id"])] = current
    st.session_state.pop(_conflict_key(prefix, current["flag_id"]), None)


def _describe_changes(changes: dict[str, Any]) -> str:
    parts = []
    for name, value in changes.items():
        shown = STATUS_LABELS.get(value, value) if name == "status" else value
        parts.append(f"{name}: {shown if shown not in (None, '') else '(cleared)'}")
    return "\n".join(parts)


def _untouched(prefix: str, key: str, base: dict[str, Any]) -> bool:
    """True when the form holds no submitted input of the user's and no conflict is open."""
    state = st.session_state
    if _conflict_key(prefix, base["flag_id"]) in state:
        return False
    if _unsaved_key(prefix, base["flag_id"]) in state:
        return False
    drawn = {
        "status": base["status"],
        "owner": base["owner"] or "",
        "note": base["note"] or "",
        "resolution": (base["resolution"] or "") if base["status"] == "resolved" else "",
    }
    return all(state.get(f"{key}_{name}", value) == value for name, value in drawn.items())


def _update_form(engine: Engine, flag: dict[str, Any], viewer: Viewer, prefix: str) -> None:
    flag_id = str(flag["flag_id"])
    # The flag as this form first saw it: its version is what the edit started from.
    fresh = {name: flag[name] for name in queries.FLAG_COLUMNS}
    base: dict[str, Any] = st.session_state.setdefault(_base_key(prefix, flag_id), fresh)
    key = f"{prefix}_edit_{flag_id}_v{base['version']}"
    if base["version"] != fresh["version"] and _untouched(prefix, key, base):
        # Nothing of this user's is pending: simply show the flag as it is now.
        st.session_state[_base_key(prefix, flag_id)] = base = fresh
        key = f"{prefix}_edit_{flag_id}_v{base['version']}"
    choices = [base["status"], *TRANSITIONS[base["status"]]]
    with st.form(key):
        st.selectbox("Status", choices, format_func=STATUS_LABELS.__getitem__, key=f"{key}_status")
        st.text_input("Owner", value=base["owner"] or "", max_chars=MAX_NAME, key=f"{key}_owner")
        st.text_area("Note", value=base["note"] or "", key=f"{key}_note", help=_TEXT_HELP)
        st.text_area(
            "Resolution note (required to resolve)",
            value=(base["resolution"] or "") if base["status"] == "resolved" else "",
            help=_TEXT_HELP,
            key=f"{key}_resolution",
        )
        st.form_submit_button(
            "Save flag",
            icon=":material/save:",
            on_click=_on_update,
            args=(engine, flag_id, viewer, prefix, key),
        )
    _show_message(prefix, f"update_{flag_id}")
    conflict = st.session_state.get(_conflict_key(prefix, flag_id))
    if conflict is not None:
        text, current = conflict
        st.warning(plain(text), icon=":material/sync_problem:")
        st.caption("The flag as it is now:")
        st.dataframe(_flag_table(pd.DataFrame([current])), hide_index=True)
        st.button(
            "Start again from the current version",
            key=f"{key}_restart",
            on_click=_start_again,
            args=(prefix, current),
        )
    unsaved = st.session_state.get(_unsaved_key(prefix, flag_id))
    if unsaved:
        st.caption("Your change that was not saved (apply it again if it still holds):")
        st.code(unsaved, language=None)


def _on_update(engine: Engine, flag_id: str, viewer: Viewer, prefix: str, key: str) -> None:
    state = st.session_state
    base = state[_base_key(prefix, flag_id)]
    message = _message_key(prefix, f"update_{flag_id}")
    status = state.get(f"{key}_status")
    owner = str(state.get(f"{key}_owner") or "").strip()
    note = str(state.get(f"{key}_note") or "").strip()
    resolution = str(state.get(f"{key}_resolution") or "").strip()
    changes: dict[str, Any] = {}
    if status != base["status"]:
        changes["status"] = status
    if owner != (base["owner"] or ""):
        changes["owner"] = owner or None
    if note != (base["note"] or ""):
        changes["note"] = note or None
    if resolution and resolution != (base["resolution"] or ""):
        changes["resolution"] = resolution
    elif status == "resolved" and "status" in changes:
        changes["resolution"] = None  # update_flag explains that one is required
    if not changes:
        state[message] = ("info", "Nothing changed: there is nothing to save.")
        return
    try:
        update_flag(
            engine,
            viewer.scope,
            flag_id,
            expected_version=int(base["version"]),
            actor=viewer.actor,
            **changes,
        )
    except StaleFlagError as error:
        state[_unsaved_key(prefix, flag_id)] = _describe_changes(changes)
        state[_conflict_key(prefix, flag_id)] = (str(error), flag_as_dict(error.current))
        return
    except FlagError as error:
        state[message] = ("error", f"The flag was not saved: {plain(error)}")
        return
    for stale in (_base_key, _conflict_key, _unsaved_key):
        state.pop(stale(prefix, flag_id), None)
    clear_caches()
    notices.leave(OUTCOME_KEY, "success", f"Flag {plain(flag_id)} saved.")


# --- health distribution and trend ----------------------------------------------


def health_charts(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    bins = _distribution(engine, filters, viewer)
    left, right = st.columns(2)
    with left:
        st.markdown("**Health distribution**")
        if not bins["pairings"].fillna(0).any():
            st.caption("No scored pairings under these filters.")
        else:
            chart = (
                alt.Chart(bins)
                .mark_bar()
                .encode(
                    x=alt.X("band:O", title="Health", sort=list(bins["band"])),
                    y=alt.Y("pairings:Q", title="Pairings", axis=alt.Axis(tickMinStep=1)),
                    color=alt.condition(
                        alt.datum.below_at_risk_line, alt.value("#c0392b"), alt.value("#2e86c1")
                    ),
                    tooltip=["band", "pairings", "stalled"],
                )
            )
            st.altair_chart(chart, width="stretch")
    with right:
        st.markdown("**Stalled and at risk, month by month**")
        info = _as_of(engine)
        with st.spinner("Reading health at each month end…"):
            trend = _trend(engine, filters, _scored_day(info))
        long = trend.melt(
            id_vars=["month_end"], value_vars=["stalled", "at_risk"], var_name="verdict"
        )
        long["verdict"] = long["verdict"].map({"stalled": "Stalled", "at_risk": "At risk"})
        # Month labels as categories: time ticks would not line up with month ends.
        labels = [f"{end:%b %Y}" for end in trend["month_end"]]
        long["month"] = [f"{end:%b %Y}" for end in long["month_end"]]
        chart = (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x=alt.X("month:O", title="Month end", sort=labels, axis=alt.Axis(labelAngle=0)),
                y=alt.Y("value:Q", title="Pairings", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color("verdict:N", title=None),
                tooltip=["month", "verdict", "value"],
            )
        )
        st.altair_chart(chart, width="stretch")
        st.caption(
            "Health at each month end from the check-ins and milestones on record then, and "
            "on the day the health was last computed; stored by each refresh."
        )


# --- the nudge list ------------------------------------------------------------


def nudge_section(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    if viewer.presenting:
        st.caption("The nudge list (names and e-mail addresses) is not shown in presenter mode.")
        return
    info = _as_of(engine)
    frame = _nudges(engine, filters, _scored_day(info))
    if frame.empty:
        st.caption(
            "Nobody to nudge: no pairing under these filters is stalled for lack of contact."
        )
        return
    st.caption(
        f"{len(frame):,} pairings had not met for longer than the no-contact rule allows on "
        f"{_scored_day(info):%Y-%m-%d}; remind both people to book a meeting."
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "pairing_id": "Pairing",
            "mentor_name": "Mentor",
            "mentor_email": "Mentor e-mail",
            "mentee_name": "Mentee",
            "mentee_email": "Mentee e-mail",
            "days_since_last_meeting": "Days since last meeting",
            "last_meeting": "Last meeting",
            "cadence_days": "Agreed cadence (days)",
        },
    )
    st.download_button(
        "Download the nudge list (CSV)",
        data=csv_bytes(frame),
        file_name="tandem-nudge-list.csv",
        mime="text/csv",
        icon=":material/download:",
    )


# --- the health formula -------------------------------------------------------------


def formula_section(engine: Engine, viewer: Viewer) -> None:
    settings = health_settings(engine)
    weights = settings["weights"]
    total = sum(float(weights[name]) for name in COMPONENTS) or 1.0
    st.caption(
        "health = 100 × Σ weight × component ÷ Σ weight, over the components that apply to a "
        f"pairing. At risk below {settings['at_risk_below']:g}; stalled when any rule fires "
        f"(watching pairings that are {', '.join(settings['stall_statuses'])})."
    )
    left, right = st.columns(2)
    left.dataframe(
        pd.DataFrame(
            {
                "Component": [COMPONENT_LABELS[name] for name in COMPONENTS],
                "Weight": [float(weights[name]) for name in COMPONENTS],
                "Share": [float(weights[name]) / total for name in COMPONENTS],
            }
        ),
        hide_index=True,
        column_config={"Share": st.column_config.NumberColumn(format="percent")},
    )
    right.dataframe(
        pd.DataFrame(
            {
                "Stall rule": list(STALL_LABELS.values()),
                "Value": [float(settings["stall"][name]) for name in STALL_LABELS],
            }
        ),
        hide_index=True,
    )
    if viewer.presenting or not viewer.can("tune_rules"):
        return
    with st.expander("Edit the health formula", icon=":material/tune:"):
        _formula_form(engine, viewer, settings)


def _formula_form(engine: Engine, viewer: Viewer, settings: dict[str, Any]) -> None:
    # Keys follow the stored settings, so a save anywhere redraws the form from them.
    tag = hashlib.sha256(repr(sorted(settings.items())).encode()).hexdigest()[:8]
    with st.form(f"stalled_formula_{tag}"):
        st.caption("Weights (relative; they need not add up to 1)")
        columns = st.columns(3)
        for i, name in enumerate(COMPONENTS):
            columns[i % 3].number_input(
                COMPONENT_LABELS[name],
                value=float(settings["weights"][name]),
                step=0.05,
                key=f"stalled_w_{name}_{tag}",
            )
        st.number_input(
            "At risk below (health)",
            value=float(settings["at_risk_below"]),
            step=5.0,
            key=f"stalled_at_risk_{tag}",
        )
        columns = st.columns(3)
        for i, (name, label) in enumerate(STALL_LABELS.items()):
            value = settings["stall"][name]
            columns[i % 3].number_input(
                label,
                value=value,
                step=1 if isinstance(value, int) else 0.1,
                key=f"stalled_s_{name}_{tag}",
            )
        st.checkbox("Recompute health after saving", value=True, key=f"stalled_recompute_{tag}")
        st.form_submit_button(
            "Save the formula",
            icon=":material/save:",
            on_click=_on_save_formula,
            args=(engine, viewer, tag),
        )
    _show_message("stalled", "formula")


def _on_save_formula(engine: Engine, viewer: Viewer, tag: str) -> None:
    state = st.session_state
    value = {
        "weights": {name: state[f"stalled_w_{name}_{tag}"] for name in COMPONENTS},
        "at_risk_below": state[f"stalled_at_risk_{tag}"],
        "stall": {name: state[f"stalled_s_{name}_{tag}"] for name in STALL_LABELS},
    }
    try:
        save_health_settings(engine, value, viewer.actor)
    except SettingsError as error:
        state[_message_key("stalled", "formula")] = ("error", f"Not saved: {plain(error)}")
        return
    message = "Health formula saved."
    if state.get(f"stalled_recompute_{tag}"):
        report = refresh_health(engine, actor=viewer.actor)
        message += f" Recomputed: {report.stalled} stalled, {report.at_risk} at risk."
    clear_caches()
    notices.leave(OUTCOME_KEY, "success", message)
