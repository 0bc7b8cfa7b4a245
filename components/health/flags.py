"""The flag workflow: a pairing's flags, raising one and updating it.

Used by the Stalled page (under the queue) and the pairing detail page
(``flag_workflow``).  Two rules shape the forms:

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

import hashlib
import uuid
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.health.queue import CHOICE_KEY
from components.health.reads import OUTCOME_KEY, show_outcome
from components.ui import notices
from components.ui.database import clear_caches
from components.ui.formatting import plain
from components.ui.pairing_links import pairing_link
from components.ui.shell import page_viewer
from tandem import health
from tandem.access import Scope, Viewer
from tandem.health import (
    MAX_NAME,
    MAX_TEXT,
    TRANSITIONS,
    FlagError,
    StaleFlagError,
    flag_as_dict,
    raise_flag,
    update_flag,
)
from tandem.program.models import FLAG_REASON_LABELS, FLAG_REASONS, FLAG_STATUS_LABELS, utcnow

REASON_LABELS = FLAG_REASON_LABELS
STATUS_LABELS = FLAG_STATUS_LABELS
# No max_chars on the text areas: Streamlit would silently cut a longer paste
# to the limit; tandem.health.flags refuses it with a message instead, nothing written.
_TEXT_HELP = f"Up to {MAX_TEXT:,} characters."
#: The widget keys' prefix of the forms under the Stalled page's queue.
QUEUE_PREFIX = "queue"


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
            _show_message(QUEUE_PREFIX, f"raise_{chosen}")
        st.session_state.pop(CHOICE_KEY, None)
    pairing_id = st.selectbox(
        "Pairing", list(labels), format_func=labels.__getitem__, key=CHOICE_KEY
    )
    if pairing_id is None:
        return
    left, right = st.columns([3, 1])
    with right:
        pairing_link(pairing_id, "Open the pairing's story")
    with left:
        flag_list(engine, pairing_id, viewer.scope)
    flag_workflow(engine, pairing_id, viewer, prefix=QUEUE_PREFIX)


def _flag_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Reason": [REASON_LABELS.get(r, r) for r in frame.reason],
            "Status": [STATUS_LABELS.get(s, s) for s in frame.status],
            "Owner": frame.owner.fillna("—"),
            "Raised": frame.raised_at,
            "Raised by": frame.raised_by,
            "Note": frame.note.fillna(""),
            "Resolution": frame.resolution.fillna(""),
            "Flag": frame.flag_id,
        }
    )


def flag_list(engine: Engine, pairing_id: str, scope: Scope) -> None:
    frame = health.pairing_flag_rows(engine, pairing_id, scope)
    if frame.empty:
        st.caption("No flags raised on this pairing yet.")
        return
    st.dataframe(_flag_table(frame), hide_index=True, placeholder="—")


# --- the flag workflow (also on the pairing detail page) ---------------------


def flag_workflow(
    engine: Engine, pairing_id: str, viewer: Viewer | None = None, prefix: str = "flag"
) -> None:
    """Raise a flag and update this pairing's flags; only for "edit_flags", never presenting."""
    viewer = viewer or page_viewer()
    if viewer.presenting or not viewer.can("edit_flags"):
        return
    show_outcome()
    frame = health.pairing_flag_rows(engine, pairing_id, viewer.scope)
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
        "resolution": (base["resolution"] or "") if health.is_resolved(base["status"]) else "",
    }
    return all(state.get(f"{key}_{name}", value) == value for name, value in drawn.items())


def _update_form(engine: Engine, flag: dict[str, Any], viewer: Viewer, prefix: str) -> None:
    flag_id = str(flag["flag_id"])
    # The flag as this form first saw it: its version is what the edit started from.
    fresh = {name: flag[name] for name in health.FLAG_COLUMNS}
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
            value=(base["resolution"] or "") if health.is_resolved(base["status"]) else "",
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
    elif health.is_resolved(str(status)) and "status" in changes:
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
